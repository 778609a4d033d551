import { InvalidInputError, type RolebridgeError } from '../core/index.js';

/** Where a listening port comes from, so the message names what to change. */
export interface PortSource {
  host: string;
  port: number;
  /** The flag that sets it (`--port`, `--emulator-port`). */
  flag: string;
  /** The environment variable that sets it, if any (`PORT`). */
  variable?: string;
}

/**
 * A listen failure a person can fix (the port is taken, or needs privileges) as a bad-input error naming the port
 * and the flag or variable to change; undefined for anything else.
 */
export function listenError(error: unknown, source: PortSource): RolebridgeError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const where = `${source.host}:${source.port}`;
  const change = `choose another port with ${source.flag}${source.variable === undefined ? '' : ` or ${source.variable}`}`;
  if (code === 'EADDRINUSE') {
    return new InvalidInputError('port_in_use', `Port ${source.port} is already in use (${where}): stop what listens there, or ${change}.`, {
      port: source.port,
    });
  }
  if (code === 'EACCES') {
    return new InvalidInputError('port_not_permitted', `Not allowed to listen on ${where} (ports below 1024 need privileges): ${change}.`, {
      port: source.port,
    });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new InvalidInputError('host_not_available', `Cannot listen on ${source.host}: no such local address; choose another with --host or HOST.`, {
      host: source.host,
    });
  }
  return undefined;
}
