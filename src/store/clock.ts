/** Timestamps as stored: ISO-8601 UTC with milliseconds, so they sort as text on every dialect. */
export function toTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

export function fromTimestamp(value: string): number {
  return Date.parse(value);
}
