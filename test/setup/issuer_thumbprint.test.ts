import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuerThumbprint, NO_TLS_THUMBPRINT } from '../../src/setup/issuer_thumbprint.js';

/** The thumbprint is checked against openssl's own SHA-1 fingerprint of a certificate served by a real TLS server. */
describe('issuerThumbprint', () => {
  let server: Server;
  let port: number;
  let expected: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolebridge-thumbprint-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const fingerprint = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-fingerprint', '-sha1']).toString();
    expected = fingerprint.trim().split('=')[1]!.replace(/:/g, '').toLowerCase();
    server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is the SHA-1 of the top certificate the issuer host presents, as openssl computes it', async () => {
    expect(await issuerThumbprint(`https://127.0.0.1:${port}/t/acme`)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{40}$/);
  });

  it('is the placeholder for an http (emulator) issuer and undefined when the host does not answer', async () => {
    expect(await issuerThumbprint('http://127.0.0.1:8080/t/acme')).toBe(NO_TLS_THUMBPRINT);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await issuerThumbprint(`https://127.0.0.1:${closedPort}/t/acme`, 1_000)).toBeUndefined();
  });
});
