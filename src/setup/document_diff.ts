/**
 * A readable line diff of two JSON documents, as `diff -u` would show them without hunk headers:
 * `  ` kept, `- ` removed, `+ ` added. Policies are small (IAM caps trust policies at 2–4 KB), so a
 * plain longest-common-subsequence table is fast enough and keeps the output exact.
 */
export function documentDiff(before: unknown, after: unknown): string {
  const from = before === undefined ? [] : JSON.stringify(before, null, 2).split('\n');
  const to = JSON.stringify(after, null, 2).split('\n');
  return lineDiff(from, to).join('\n');
}

export function lineDiff(from: readonly string[], to: readonly string[]): string[] {
  // common[i][j]: length of the longest common subsequence of from[i..] and to[j..].
  const common: number[][] = Array.from({ length: from.length + 1 }, () => new Array<number>(to.length + 1).fill(0));
  for (let i = from.length - 1; i >= 0; i--) {
    for (let j = to.length - 1; j >= 0; j--) {
      common[i]![j] = from[i] === to[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < from.length || j < to.length) {
    if (i < from.length && j < to.length && from[i] === to[j]) {
      lines.push(`  ${from[i]}`);
      i++;
      j++;
    } else if (i < from.length && (j >= to.length || common[i + 1]![j]! >= common[i]![j + 1]!)) {
      lines.push(`- ${from[i]}`);
      i++;
    } else {
      lines.push(`+ ${to[j]}`);
      j++;
    }
  }
  return lines;
}
