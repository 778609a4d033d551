/**
 * Where each statement of a policy document sits in its text, as SimulatePrincipalPolicy reports it
 * (`StartPosition`/`EndPosition`, line and column). Recorded (LocalStack's test_iam, 2025-04): a
 * one-line document whose statement object spans offsets 39–111 is reported as columns 41 and 113,
 * the 1-based column just after the opening and after the closing brace; the emulator uses that rule.
 */
// A type alias (not an interface) so positions fit the XmlValue index signature.
export type TextPosition = {
  Line: number;
  Column: number;
};

interface Span {
  start: number;
  /** Offset of the last character of the value. */
  end: number;
  kind: 'object' | 'array' | 'other';
  /** Object members (key → value span) or array items. */
  members?: Map<string, Span>;
  items?: Span[];
}

/** Positions of the statements in document order; empty when the text is not a JSON object. */
export function statementPositions(text: string): Array<{ start: TextPosition; end: TextPosition }> {
  let root: Span;
  try {
    root = new SpanParser(text).value();
  } catch {
    return [];
  }
  const statement = root.members?.get('Statement');
  if (statement === undefined) return [];
  const objects = statement.kind === 'array' ? (statement.items ?? []) : [statement];
  return objects.map((span) => ({ start: position(text, span.start), end: position(text, span.end) }));
}

function position(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { Line: before.split('\n').length, Column: offset - lineStart + 2 };
}

/** Just enough of a JSON parser to know where values start and end (the document was validated before). */
class SpanParser {
  private i = 0;
  constructor(private readonly text: string) {}

  value(): Span {
    this.space();
    const start = this.i;
    const c = this.text[this.i];
    if (c === '{') {
      const members = new Map<string, Span>();
      this.i += 1;
      this.space();
      while (this.text[this.i] !== '}') {
        const key = this.string();
        this.space();
        this.expect(':');
        members.set(key, this.value());
        this.space();
        if (this.text[this.i] === ',') this.i += 1;
        this.space();
      }
      this.i += 1;
      return { start, end: this.i - 1, kind: 'object', members };
    }
    if (c === '[') {
      const items: Span[] = [];
      this.i += 1;
      this.space();
      while (this.text[this.i] !== ']') {
        items.push(this.value());
        this.space();
        if (this.text[this.i] === ',') this.i += 1;
        this.space();
      }
      this.i += 1;
      return { start, end: this.i - 1, kind: 'array', items };
    }
    if (c === '"') {
      this.string();
      return { start, end: this.i - 1, kind: 'other' };
    }
    while (this.i < this.text.length && !/[\s,\]}]/.test(this.text[this.i]!)) this.i += 1;
    if (this.i === start) throw new Error('unexpected character');
    return { start, end: this.i - 1, kind: 'other' };
  }

  private string(): string {
    this.expect('"');
    const from = this.i;
    while (this.i < this.text.length && this.text[this.i] !== '"') this.i += this.text[this.i] === '\\' ? 2 : 1;
    const raw = this.text.slice(from, this.i);
    this.expect('"');
    return JSON.parse(`"${raw}"`) as string;
  }

  private expect(c: string): void {
    if (this.text[this.i] !== c) throw new Error(`expected ${c}`);
    this.i += 1;
  }

  private space(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i += 1;
  }
}
