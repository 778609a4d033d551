import { connect, type DetailedPeerCertificate } from 'node:tls';

/**
 * For an `http://` issuer (the local emulator only) there is no certificate: IAM's model accepts a
 * provider without thumbprints, but the AWS CLI (1.x, 2.x before thumbprints became optional) insists on
 * `--thumbprint-list`, so a placeholder keeps the printed command runnable. The emulator does not check it.
 */
export const NO_TLS_THUMBPRINT = '0'.repeat(40);

/**
 * The thumbprint IAM's documentation asks for: SHA-1 of the top certificate of the chain the issuer's
 * host presents (`openssl s_client -showcerts`, last certificate). IAM ignores it when the certificate
 * comes from a CA it trusts, and uses it otherwise; including it keeps the API call and the AWS CLI
 * command identical and valid on every CLI version. Only the public certificate is read (no request
 * is sent), so verification is not needed here. Undefined when the host cannot be reached in time.
 */
export async function issuerThumbprint(issuerUrl: string, timeoutMs = 5_000): Promise<string | undefined> {
  const url = new URL(issuerUrl);
  if (url.protocol === 'http:') return NO_TLS_THUMBPRINT;
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 443), servername: url.hostname, rejectUnauthorized: false });
    const finish = (value: string | undefined): void => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => finish(undefined));
    socket.once('error', () => finish(undefined));
    socket.once('secureConnect', () => {
      let top: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
      // Walk to the last certificate the server sent; a self-signed one refers to itself.
      while (top?.issuerCertificate && top.issuerCertificate !== top && top.issuerCertificate.fingerprint !== top.fingerprint) top = top.issuerCertificate;
      finish(top?.fingerprint ? top.fingerprint.replace(/:/g, '').toLowerCase() : undefined);
    });
  });
}
