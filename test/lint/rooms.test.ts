import { resolve } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- the rule is plain JavaScript, loaded by eslint.config.js
import rooms from '../../eslint-rules/rooms.js';

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
});
