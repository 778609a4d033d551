import type { ErrorCode } from '../core/index.js';
import { PolicyParseError } from './policy_parse_error.js';

/** A JSON value as JSON.parse returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * JSON.parse, except that a duplicate key is an error instead of "last one wins": IAM rejects such documents
 * in some places and silently merges them in others, so a trust policy with two `Condition` blocks is a trap.
 * Errors carry the JSON path (`Statement[0].Condition`) and the line/column.
 */
export function parseJsonStrict(text: string): JsonValue {
  const parser = new StrictJsonParser(text);
  parser.skipWhitespace();
  const value = parser.parseValue('');
  parser.skipWhitespace();
  if (!parser.atEnd()) parser.fail('invalid_json', 'Unexpected text after the JSON document.', '');
  return value;
}

export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!/^[A-Za-z_][\w-]*$/.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** Policies nest a handful of levels; a deeper document is hostile or broken (and would exhaust the stack). */
const MAX_DEPTH = 64;

class StrictJsonParser {
  private position = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  skipWhitespace(): void {
    while (this.position < this.text.length) {
      const char = this.text.charCodeAt(this.position);
      if (char === 0x20 || char === 0x0a || char === 0x0d || char === 0x09) this.position += 1;
      else break;
    }
  }

  fail(code: ErrorCode, message: string, path: string): never {
    const before = this.text.slice(0, this.position);
    const line = before.split('\n').length;
    const column = this.position - before.lastIndexOf('\n');
    const where = path === '' ? '' : ` at ${path}`;
    throw new PolicyParseError(code, `${message}${where} (line ${line}, column ${column})`, path, { line, column });
  }

  parseValue(path: string): JsonValue {
    const char = this.text[this.position];
    if (char === '{' || char === '[') {
      if (this.depth >= MAX_DEPTH) this.fail('invalid_json', `The document nests deeper than ${MAX_DEPTH} levels`, path);
      this.depth += 1;
      const value = char === '{' ? this.parseObject(path) : this.parseArray(path);
      this.depth -= 1;
      return value;
    }
    if (char === '"') return this.parseString(path);
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.parseNumber(path);
    for (const [literal, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(literal, this.position)) {
        this.position += literal.length;
        return value;
      }
    }
    if (char === undefined) this.fail('invalid_json', 'The JSON document ends too early', path);
    this.fail('invalid_json', `Unexpected character ${JSON.stringify(char)}`, path);
  }

  private parseObject(path: string): { [key: string]: JsonValue } {
    const result: { [key: string]: JsonValue } = {};
    const seen = new Set<string>();
    this.position += 1;
    this.skipWhitespace();
    if (this.text[this.position] === '}') {
      this.position += 1;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.position] !== '"') this.fail('invalid_json', 'Expected a quoted key', path);
      const keyStart = this.position;
      const key = this.parseString(path);
      const childPath = joinPath(path, key);
      if (seen.has(key)) {
        this.position = keyStart;
        this.fail('duplicate_key', `Duplicate key ${JSON.stringify(key)}: JSON parsers keep only one of them`, childPath);
      }
      seen.add(key);
      this.skipWhitespace();
      if (this.text[this.position] !== ':') this.fail('invalid_json', 'Expected ":" after a key', childPath);
      this.position += 1;
      this.skipWhitespace();
      // defineProperty: a key named "__proto__" must stay data, not change the prototype.
      Object.defineProperty(result, key, { value: this.parseValue(childPath), enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      const next = this.text[this.position];
      this.position += 1;
      if (next === '}') return result;
      if (next !== ',') {
        this.position -= 1;
        this.fail('invalid_json', 'Expected "," or "}" in an object', path);
      }
    }
  }

  private parseArray(path: string): JsonValue[] {
    const result: JsonValue[] = [];
    this.position += 1;
    this.skipWhitespace();
    if (this.text[this.position] === ']') {
      this.position += 1;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      result.push(this.parseValue(joinPath(path, result.length)));
      this.skipWhitespace();
      const next = this.text[this.position];
      this.position += 1;
      if (next === ']') return result;
      if (next !== ',') {
        this.position -= 1;
        this.fail('invalid_json', 'Expected "," or "]" in an array', path);
      }
    }
  }

  private parseString(path: string): string {
    const start = this.position;
    this.position += 1;
    let simpleEnd = this.position;
    // Fast path: no escapes.
    while (simpleEnd < this.text.length) {
      const char = this.text.charCodeAt(simpleEnd);
      if (char === 0x22 || char === 0x5c || char < 0x20) break;
      simpleEnd += 1;
    }
    if (this.text.charCodeAt(simpleEnd) === 0x22) {
      this.position = simpleEnd + 1;
      return this.text.slice(start + 1, simpleEnd);
    }
    while (this.position < this.text.length) {
      const char = this.text.charCodeAt(this.position);
      if (char === 0x22) {
        this.position += 1;
        return JSON.parse(this.text.slice(start, this.position)) as string;
      }
      if (char < 0x20) this.fail('invalid_json', 'Control character inside a string', path);
      if (char === 0x5c) {
        const escape = this.text[this.position + 1] ?? '';
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.position + 2, this.position + 6))) {
            this.fail('invalid_json', 'Invalid \\u escape', path);
          }
          this.position += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(escape) || escape === '') this.fail('invalid_json', 'Invalid escape in a string', path);
        this.position += 2;
        continue;
      }
      this.position += 1;
    }
    this.fail('invalid_json', 'Unterminated string', path);
  }

  private parseNumber(path: string): number {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.position, this.position + 400));
    if (!match) this.fail('invalid_json', 'Invalid number', path);
    this.position += match[0].length;
    return Number(match[0]);
  }
}
