import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- the rule is plain JavaScript, loaded by eslint.config.js
import rooms, { allowedRooms } from '../../eslint-rules/rooms.js';

const linter = new Linter({ configType: 'flat' });
const config = [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser as Linter.Parser },
    plugins: { rolebridge: rooms as never },
    rules: { 'rolebridge/rooms': 'error' as const },
  },
];

function problems(file: string, code: string): string[] {
  return linter.verify(code, config, { filename: resolve('src', file) }).map((message) => message.message);
}

describe('the room rule', () => {
  it('lets a room use another through its index.ts', () => {
    expect(problems('server/routes/x.ts', "import { openStore } from '../../store/index.js';")).toEqual([]);
  });

  it('refuses imports past another room\'s index.ts', () => {
    expect(problems('server/x.ts', "import { a } from '../issuer/key_ring.js';")).toEqual([
      "Import src/issuer through its index.ts, not '../issuer/key_ring.js'.",
    ]);
  });

  it('allows a room its own files', () => {
    expect(problems('issuer/a.ts', "import { b } from './b.js';\nimport { c } from './keys/c.js';")).toEqual([]);
  });

  it('keeps src/policy pure', () => {
    expect(problems('policy/x.ts', "import { readFileSync } from 'node:fs';")).toHaveLength(1);
    expect(problems('policy/x.ts', "import { jwtVerify } from 'jose';")).toHaveLength(1);
    expect(problems('policy/x.ts', "import { InvalidInputError } from '../core/index.js';")).toEqual([]);
    expect(problems('policy/x.ts', "import { openStore } from '../store/index.js';")).toEqual(['src/policy may not depend on src/store.']);
  });

  it('keeps the emulator outside rolebridge', () => {
    expect(problems('emulator/x.ts', "import { a } from '../issuer/index.js';")).toEqual(['src/emulator may not depend on src/issuer.']);
    expect(problems('emulator/x.ts', "import { a } from '../store/index.js';")).toEqual(['src/emulator may not depend on src/store.']);
    expect(problems('emulator/x.ts', "import { evaluatePolicy } from '../policy/index.js';\nimport { jwtVerify } from 'jose';")).toEqual([]);
  });

  it('checks re-exports and dynamic imports too', () => {
    expect(problems('server/x.ts', "export { a } from '../issuer/keys.js';")).toHaveLength(1);
    expect(problems('emulator/x.ts', "const m = await import('../store/index.js');")).toHaveLength(1);
  });

  it('keeps lower rooms from importing higher ones', () => {
    expect(problems('store/x.ts', "import { a } from '../issuer/index.js';")).toEqual(['src/store may not depend on src/issuer.']);
    expect(problems('config/x.ts', "import { a } from '../server/index.js';")).toEqual(['src/config may not depend on src/server.']);
  });

  it('keeps set-up on the customer side: no issuer, store, server or access', () => {
    expect(problems('setup/x.ts', "import { openStore } from '../store/index.js';")).toEqual(['src/setup may not depend on src/store.']);
    expect(problems('setup/x.ts', "import { Issuer } from '../issuer/index.js';")).toEqual(['src/setup may not depend on src/issuer.']);
    expect(problems('setup/x.ts', "import { buildServer } from '../server/index.js';")).toEqual(['src/setup may not depend on src/server.']);
    expect(problems('setup/x.ts', "import { Authenticator } from '../access/index.js';")).toEqual(['src/setup may not depend on src/access.']);
    expect(problems('setup/x.ts', "import { parsePolicy } from '../policy/index.js';\nimport { parseSetupScope } from '../claims/index.js';")).toEqual([]);
  });

  it('lets set-up use the doctor\'s types, never its code', () => {
    expect(problems('setup/x.ts', "import type { ConnectionTestResult } from '../doctor/index.js';")).toEqual([]);
    expect(problems('setup/x.ts', "import { type ConnectionTestResult } from '../doctor/index.js';")).toEqual([]);
    expect(problems('setup/x.ts', "import { renderConnectionTest } from '../doctor/index.js';")).toEqual(['src/setup may not depend on src/doctor.']);
  });

  it('keeps the credentials hot path free of the doctor', () => {
    expect(problems('broker/x.ts', "import { testConnection } from '../doctor/index.js';")).toEqual(['src/broker may not depend on src/doctor.']);
    expect(problems('broker/x.ts', "import { verifyConnection } from '../connections/index.js';")).toEqual(['src/broker may not depend on src/connections.']);
    expect(problems('broker/x.ts', "import { createStsClient } from '../aws/index.js';")).toEqual([]);
    expect(problems('connections/x.ts', "import { diagnoseStsError } from '../doctor/index.js';")).toEqual(['src/connections may not depend on src/doctor.']);
  });

  it('keeps the emulator away from the issuer and the broker', () => {
    expect(problems('emulator/x.ts', "import { Issuer } from '../issuer/index.js';")).toEqual(['src/emulator may not depend on src/issuer.']);
    expect(problems('emulator/x.ts', "import { createRoleChainRunner } from '../broker/index.js';")).toEqual(['src/emulator may not depend on src/broker.']);
  });

  it('keeps src/policy and src/claims free of anything with I/O', () => {
    for (const room of ['store', 'aws', 'broker', 'issuer', 'server', 'config', 'doctor']) {
      expect(problems('policy/x.ts', `import { a } from '../${room}/index.js';`)).toEqual([`src/policy may not depend on src/${room}.`]);
    }
    expect(problems('policy/x.ts', "import { SUBJECT_VALUE_PATTERN } from '../claims/index.js';")).toEqual([]);
    expect(problems('claims/x.ts', "import { createHash } from 'node:crypto';")).toHaveLength(1);
    expect(problems('claims/x.ts', "import { parsePolicy } from '../policy/index.js';")).toEqual(['src/claims may not depend on src/policy.']);
  });

  it('wires services only in src/runtime: the server never imports it', () => {
    expect(problems('server/x.ts', "import { wireServices } from '../runtime/index.js';")).toEqual(['src/server may not depend on src/runtime.']);
    expect(problems('runtime/x.ts', "import { buildServer } from '../server/index.js';")).toEqual([]);
  });

  it('names a room it does not know', () => {
    expect(problems('attic/x.ts', "import { a } from '../core/index.js';")).toEqual([
      'src/attic is not a known room: add it and its arrows to eslint-rules/rooms.js.',
    ]);
  });

  it('knows every room of src/', () => {
    const rooms = readdirSync(resolve('src'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(rooms.filter((room) => !(room in allowedRooms))).toEqual([]);
  });
});
