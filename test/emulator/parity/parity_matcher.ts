/**
 * Compares a response from the emulator with a response LocalStack recorded from real AWS, the way
 * LocalStack's snapshot transformers see them: `<…>` placeholders stand for ids, names, dates and
 * markers that differ on every run, `111111111111` for the account, `<partition>` for `aws`.
 * Everything else (member names, literal values, list lengths, error code, message, status) must match.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const PLACEHOLDER = /<[^<>\s]+>/g;

/** The recorded string as a pattern: placeholders match any text, the account any 12 digits. */
function recordedPattern(recorded: string): RegExp {
  let pattern = '';
  let last = 0;
  for (const match of recorded.matchAll(PLACEHOLDER)) {
    pattern += literal(recorded.slice(last, match.index));
    pattern += match[0] === '<partition>' ? 'aws' : '[\\s\\S]+?';
    last = match.index + match[0].length;
  }
  pattern += literal(recorded.slice(last));
  return new RegExp(`^${pattern}$`);
}

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/111111111111/g, '\\d{12}');
}

function isPlaceholderOnly(value: string): boolean {
  return /^<[^<>\s]+>$/.test(value);
}

/** Every difference between the recorded value and the emulator's, as `path: what` lines. */
export function differences(recorded: Json, actual: Json | undefined, shapeOnly: ReadonlySet<string>, path = '$'): string[] {
  if (actual === undefined) return [`${path}: missing (recorded ${JSON.stringify(recorded).slice(0, 120)})`];
  if (typeof recorded === 'string') {
    // A placeholder alone also stands for numbers and dates (`<datetime>`, `<attachment_count>`).
    if (isPlaceholderOnly(recorded) && recorded !== '<partition>' && actual !== null && typeof actual !== 'object') return [];
    if (typeof actual !== 'string') return [`${path}: expected a string like ${JSON.stringify(recorded)}, got ${JSON.stringify(actual)}`];
    return recordedPattern(recorded).test(actual) ? [] : [`${path}: expected ${JSON.stringify(recorded)}, got ${JSON.stringify(actual)}`];
  }
  if (recorded === null || typeof recorded !== 'object') {
    return recorded === actual ? [] : [`${path}: expected ${JSON.stringify(recorded)}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(recorded)) {
    if (!Array.isArray(actual)) return [`${path}: expected a list, got ${JSON.stringify(actual)}`];
    if (recorded.length !== actual.length) {
      return [`${path}: expected ${recorded.length} items, got ${actual.length}: ${JSON.stringify(actual).slice(0, 300)}`];
    }
    return recorded.flatMap((item, i) => differences(item, actual[i], shapeOnly, `${path}[${i}]`));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
    return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
  }
  const found: string[] = [];
  for (const key of Object.keys(actual)) {
    if (!(key in recorded)) found.push(`${path}.${key}: not in AWS's answer (${JSON.stringify(actual[key]).slice(0, 120)})`);
  }
  for (const [key, value] of Object.entries(recorded)) {
    if (shapeOnly.has(key)) {
      if (actual[key] === undefined) found.push(`${path}.${key}: missing`);
      continue;
    }
    found.push(...differences(value, actual[key], shapeOnly, `${path}.${key}`));
  }
  return found;
}
