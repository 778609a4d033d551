import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/index.js';
import { lazyRequestLoggerFactory } from '../../src/server/lazy_request_logger.js';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

function capturingLogger(level = 'info'): { logger: ReturnType<typeof createLogger>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

describe('the lazy request logger', () => {
  it('makes the child logger only when a line is written, with the bindings, redaction and level of a real child', () => {
    const { logger, lines } = capturingLogger('info');
    let children = 0;
    const parent = Object.create(logger) as typeof logger; // counts the children made from it
    parent.child = ((...args: Parameters<typeof logger.child>) => {
      children += 1;
      return logger.child(...args);
    }) as typeof logger.child;
    const requestLog = lazyRequestLoggerFactory(parent, { reqId: 'req-1' }, {});
    expect(children).toBe(0);
    expect(requestLog.level).toBe('info');
    requestLog.debug('below the level');
    requestLog.warn({ workload: { secret: 'rbw_must_not_appear' } }, 'something');
    requestLog.info('again');
    expect(children).toBe(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ reqId: 'req-1', service: 'rolebridge', level: 40, msg: 'something', workload: { secret: '[redacted]' } });
    expect(JSON.stringify(lines)).not.toContain('rbw_must_not_appear');
    expect(requestLog.child({ step: 2 }).info('nested')).toBeUndefined();
    expect(lines[2]).toMatchObject({ reqId: 'req-1', step: 2, msg: 'nested' });
  });
});

describe("a server's request log lines", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('a logged request has its line with its request id; a quiet one has none', async () => {
    const response = await fetch(`${server.url}/api/v1/tenants`, { headers: { ...server.adminHeaders, 'x-request-id': 'req-logged-1' } });
    expect(response.status).toBe(200);
    expect(server.logs.find((entry) => entry.reqId === 'req-logged-1')).toMatchObject({ method: 'GET', route: '/api/v1/tenants', status: 200, msg: 'request' });
    expect((await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'req-quiet-1' } })).status).toBe(200);
    expect(server.logs.filter((entry) => entry.reqId === 'req-quiet-1')).toEqual([]);
  });
});
