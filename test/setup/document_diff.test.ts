import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentDiff, lineDiff } from '../../src/setup/document_diff.js';

describe('documentDiff', () => {
  it('marks an added statement with + and keeps the rest as context', () => {
    const before = { Statement: [{ Sid: 'A' }] };
    const after = { Statement: [{ Sid: 'A' }, { Sid: 'B' }] };
    expect(documentDiff(before, after)).toBe(
      ['  {', '    "Statement": [', '      {', '        "Sid": "A"', '+     },', '+     {', '+       "Sid": "B"', '      }', '    ]', '  }'].join('\n'),
    );
  });

  it('shows a new document as all additions', () => {
    expect(documentDiff(undefined, { a: 1 }).split('\n').every((line) => line.startsWith('+ '))).toBe(true);
  });

  it('reconstructs both sides exactly (property)', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 12 });
    fc.assert(
      fc.property(lines, lines, (from, to) => {
        const diff = lineDiff(from, to);
        expect(diff.filter((line) => !line.startsWith('+ ')).map((line) => line.slice(2))).toEqual(from);
        expect(diff.filter((line) => !line.startsWith('- ')).map((line) => line.slice(2))).toEqual(to);
      }),
    );
  });
});
