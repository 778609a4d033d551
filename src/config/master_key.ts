import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { RolebridgeError } from '../core/index.js';
import type { Config } from './config.js';
import { parseMasterKey } from './config.js';

/**
 * The master key from the environment, or (for development) one generated once into the data dir.
 * `warn` is called once when a generated key is used, so nobody ships it to production by accident.
 * `mayGenerate: false` (the database already has sealed keys): a missing key is an error, never a new one.
 */
export function resolveMasterKey(config: Config, warn: (message: string) => void, options: { mayGenerate?: boolean } = {}): Buffer {
  if (config.masterKey) return config.masterKey;
  const file = join(config.dataDir, 'master.key');
  if (!existsSync(file)) {
    if (options.mayGenerate === false) {
      throw new RolebridgeError(
        'master_key_missing',
        `ROLEBRIDGE_MASTER_KEY is not set (and there is no ${file}), but this database has signing keys sealed under a master key; refusing to start (nothing was written). Set ROLEBRIDGE_MASTER_KEY to the key they were sealed under.`,
        { status: 400 },
      );
    }
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  warn(
    `ROLEBRIDGE_MASTER_KEY is not set: private signing keys are encrypted with a development key stored in ${file}. ` +
      'Set ROLEBRIDGE_MASTER_KEY (32 bytes, base64) in production.',
  );
  return parseMasterKey(readFileSync(file, 'utf8'), file);
}
