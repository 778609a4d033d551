import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createLogger } from '../../src/server/index.js';
import { startServerRuntime, type RuntimeOptions, type ServerRuntime } from '../../src/runtime/index.js';

export const TEST_ADMIN_TOKEN = 'rb_admin_test_0123456789abcdefghijklmnopqrstuvwxyz';
export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

export interface TestServer extends ServerRuntime {
  /** Every log line the server wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  adminHeaders: { authorization: string };
}

/**
 * A real rolebridge server on a free loopback port with its own database (SQLite in memory unless
 * `databaseUrl` is given), the bootstrap admin token TEST_ADMIN_TOKEN, and captured logs.
 */
export async function startTestServer(
  overrides: Partial<Config> & { env?: Record<string, string>; runtime?: Omit<RuntimeOptions, 'logger'> } = {},
): Promise<TestServer> {
  const { env, runtime: runtimeOptions, ...configOverrides } = overrides;
  const config = loadConfig(
    { ROLEBRIDGE_MASTER_KEY: TEST_MASTER_KEY, ROLEBRIDGE_ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...env },
    { databaseUrl: 'sqlite::memory:', host: '127.0.0.1', port: 0, logLevel: 'info', ...configOverrides },
  );
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const runtime = await startServerRuntime(config, {
    defaultMetrics: false,
    ...runtimeOptions,
    logger: createLogger({ level: config.logLevel, destination }),
  });
  return Object.assign(runtime, { logs, adminHeaders: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
}
