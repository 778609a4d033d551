import type { PolicyJson, PolicyStatementJson } from '../policy/index.js';

/**
 * Policy documents compared by meaning, not by bytes: IAM treats `"a"` and `["a"]` alike, ignores key
 * order and the order of values in a list, and returns documents re-serialised (and URL-encoded). Set-up
 * compares what it wants with what an account holds through this form, so a document written by hand,
 * by Terraform or by an earlier run is recognised as the same.
 */
export function canonicalStatement(statement: PolicyStatementJson, options: { ignoreSid?: boolean } = {}): string {
  const { Sid: _sid, ...rest } = statement;
  return JSON.stringify(canonicalValue(options.ignoreSid ? rest : statement));
}

export function canonicalPolicy(policy: PolicyJson): string {
  return JSON.stringify({
    Version: policy.Version,
    Statement: statementsOf(policy)
      .map((statement) => canonicalStatement(statement))
      .sort(),
  });
}

/** `Statement` may be one object or a list in IAM's grammar. */
export function statementsOf(policy: { Statement?: unknown }): PolicyStatementJson[] {
  const statements = policy.Statement;
  if (statements === undefined) return [];
  return (Array.isArray(statements) ? statements : [statements]) as PolicyStatementJson[];
}

function canonicalValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonicalValue);
    // A one-element list means the same as its element; order inside a list never matters to IAM.
    if (items.length === 1) return items[0];
    return items.map((item) => JSON.stringify(item)).sort().map((item) => JSON.parse(item) as unknown);
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([key, inner]) => [key, canonicalValue(inner)]));
  }
  return value;
}
