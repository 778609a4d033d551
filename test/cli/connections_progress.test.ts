/**
 * `connections test` takes seconds: on a TTY it shows a progress line on stderr while the server works and
 * erases it before the result; with stderr piped it writes no progress at all. The server below holds its
 * answer until the progress line has appeared, so the test needs no timing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';

let server: Server;
let url: string;
let releaseAnswer: () => void = () => undefined;
let answerReleased: Promise<void> = Promise.resolve();

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    void answerReleased.then(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: true, steps: [], probes: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const savedToken = process.env.ROLEBRIDGE_ADMIN_TOKEN;
const savedIsTty = process.stderr.isTTY;
afterEach(() => {
  process.stderr.isTTY = savedIsTty;
  if (savedToken === undefined) delete process.env.ROLEBRIDGE_ADMIN_TOKEN;
  else process.env.ROLEBRIDGE_ADMIN_TOKEN = savedToken;
});

/** Runs `connections test` with stderr (and stdout) captured; the server answers once `releaseWhen` holds for what stderr got so far. */
async function runTest(isTty: boolean, releaseWhen: (stderr: string) => boolean): Promise<{ code: number; stderr: string }> {
  process.env.ROLEBRIDGE_ADMIN_TOKEN = 'rb_admin_test_progress';
  process.stderr.isTTY = isTty;
  answerReleased = new Promise((resolve) => (releaseAnswer = resolve));
  const chunks: string[] = [];
  const writeErr = process.stderr.write.bind(process.stderr);
  const writeOut = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((chunk: string) => {
    chunks.push(String(chunk));
    if (releaseWhen(chunks.join(''))) releaseAnswer();
    return true;
  }) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const run = runCli(['connections', 'test', 'prod', '--tenant', 'acme', '--server', url, '--json']);
    if (!isTty) releaseAnswer();
    return { code: await run, stderr: chunks.join('') };
  } finally {
    process.stderr.write = writeErr;
    process.stdout.write = writeOut;
  }
}

describe('connections test progress', () => {
  it('shows a progress line on a TTY while the server works, erased before the result', async () => {
    const { code, stderr } = await runTest(true, (text) => text.includes('Testing connection prod (tenant acme)'));
    expect(code).toBe(0);
    expect(stderr).toContain('Testing connection prod (tenant acme)');
    expect(stderr.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('writes no progress when stderr is not a TTY', async () => {
    const { code, stderr } = await runTest(false, () => false);
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });
});
