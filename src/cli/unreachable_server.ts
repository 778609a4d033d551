import { connect } from 'node:tls';
import { CliExit, EXIT_NEGATIVE, usageError } from './cli_exit.js';

/**
 * Why a request could not get an answer from a rolebridge server, in words that point at the fix. The common
 * case is a scheme that does not match the server (`--server https://…` against plain http, or http against
 * https): that is bad input (exit 2) and deserves the corrected URL, not OpenSSL's "wrong version number".
 */

/** OpenSSL's codes for a TLS handshake answered by something that does not speak TLS. */
const NOT_TLS_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_RECORD_LAYER_FAILURE',
  'ERR_SSL_UNKNOWN_PROTOCOL',
  'EPROTO',
]);

/** Node's codes for a certificate it does not trust. */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Closed without an answer: what a TLS server does with plain HTTP (undici says "other side closed"). */
const CLOSED_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET']);

function withScheme(server: string, scheme: 'http' | 'https'): string {
  return server.replace(/^https?:/, `${scheme}:`);
}

/** Whether `server` (an http:// URL) completes a TLS handshake, i.e. serves https. Never throws. */
function speaksTls(server: string, timeoutMs = 3_000): Promise<boolean> {
  const url = new URL(server);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 80), servername: url.hostname, rejectUnauthorized: false });
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function causeOf(error: unknown): { code: string; message: string } {
  const cause = (error as { cause?: unknown }).cause;
  const source = (cause instanceof Error ? cause : error) as NodeJS.ErrnoException;
  return { code: source.code ?? '', message: source.message };
}

/** The CliExit for a request to `server` that threw `error` (a refused, reset or failed connection). */
export async function unreachableServer(server: string, error: unknown): Promise<CliExit> {
  const cause = causeOf(error);
  const https = server.startsWith('https:');
  if (https && NOT_TLS_CODES.has(cause.code)) {
    return usageError(
      `${server} does not speak https (the TLS handshake got a non-TLS answer): is it a plain-http server? ` +
        `Try --server ${withScheme(server, 'http')} (or ROLEBRIDGE_SERVER).`,
    );
  }
  if (!https && CLOSED_CODES.has(cause.code) && (await speaksTls(server))) {
    return usageError(
      `${server} closed the connection without answering and speaks https on that port: ` +
        `try --server ${withScheme(server, 'https')} (or ROLEBRIDGE_SERVER).`,
    );
  }
  if (https && UNTRUSTED_CERTIFICATE_CODES.has(cause.code)) {
    return usageError(
      `${server}: its certificate is not trusted (${cause.code}); if it is your own CA, point NODE_EXTRA_CA_CERTS at the CA's PEM file.`,
    );
  }
  return new CliExit(EXIT_NEGATIVE, `cannot reach ${server}: ${cause.message}`);
}
