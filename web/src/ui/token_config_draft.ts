/** The parts of a token config typed as text (claims JSON, session-tag lines), parsed with a problem to show as you type. */

export interface SessionTagsInput {
  principalTags: Record<string, string>;
  transitiveTagKeys?: string[];
}

export function parseClaims(text: string): { claims?: Record<string, unknown>; problem: string } {
  if (!text.trim()) return { problem: '' };
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'Claims are a JSON object.' };
    return { claims: value as Record<string, unknown>, problem: '' };
  } catch {
    return { problem: 'Claims are not valid JSON yet.' };
  }
}

/** Session tags, one `Key=value` a line (values may use the placeholders); a trailing `*` on the key marks it transitive. */
export function parseSessionTags(text: string): { sessionTags?: SessionTagsInput; problem: string } {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  const bad = lines.find((line) => !/^[\w+=,.@:/-]+\*?=.*$/.test(line));
  if (bad) return { problem: `“${bad}” is not Key=value.` };
  if (lines.length === 0) return { problem: '' };
  const principalTags: Record<string, string> = {};
  const transitiveTagKeys: string[] = [];
  for (const line of lines) {
    const at = line.indexOf('=');
    const rawKey = line.slice(0, at);
    const key = rawKey.endsWith('*') ? rawKey.slice(0, -1) : rawKey;
    principalTags[key] = line.slice(at + 1);
    if (rawKey.endsWith('*')) transitiveTagKeys.push(key);
  }
  return { sessionTags: { principalTags, ...(transitiveTagKeys.length ? { transitiveTagKeys } : {}) }, problem: '' };
}

/** The inverse of parseSessionTags, to start a draft from a stored config. */
export function sessionTagsText(tags: { principalTags?: Record<string, string>; transitiveTagKeys?: string[] } | null): string {
  if (!tags?.principalTags) return '';
  const transitive = new Set(tags.transitiveTagKeys ?? []);
  return Object.entries(tags.principalTags)
    .map(([key, value]) => `${key}${transitive.has(key) ? '*' : ''}=${value}`)
    .join('\n');
}
