import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What `rolebridge dev` remembers between runs so it can print the same admin token and workload secret
 * every time (both are stored only as hashes in the database). Development only: a file in the data dir, 0600.
 */
export interface DevState {
  adminToken: string;
  workload?: { id: string; secret: string };
}

export function devStatePath(dataDir: string): string {
  return join(dataDir, 'dev-state.json');
}

export function loadDevState(dataDir: string): DevState {
  const file = devStatePath(dataDir);
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevState>;
    if (typeof parsed.adminToken === 'string') return parsed as DevState;
  }
  return { adminToken: `rb_admin_dev_${randomBytes(24).toString('base64url')}` };
}

export function saveDevState(dataDir: string, state: DevState): void {
  mkdirSync(dataDir, { recursive: true });
  const file = devStatePath(dataDir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
