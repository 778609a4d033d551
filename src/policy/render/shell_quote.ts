/** Single-quotes anything a POSIX shell could reinterpret; `'` itself becomes `'\''`. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@=,+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
