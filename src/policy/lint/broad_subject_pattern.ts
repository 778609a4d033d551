import { hasWildcard } from '../wildcard_matcher.js';
import type { LintFinding } from './lint_finding.js';
import type { LintRule } from './lint_rules.js';
import { isWebIdentityStatement, pinningConditions, providerClaim } from './web_identity_statement.js';

/**
 * Issuers shared by every customer of a platform, with the sub prefix whose next segment (up to `/` or `:`)
 * names the tenant: a wildcard there admits every tenant (AWS itself refuses `*` for GitHub).
 */
const SHARED_ISSUER_TENANCY: Readonly<Record<string, string>> = {
  'token.actions.githubusercontent.com': 'repo:',
  'gitlab.com': 'project_path:',
  'app.terraform.io': 'organization:',
};

/** Words that name a position in a subject (`deployment:12:component:api`), not a value. */
const SUBJECT_LABELS = new Set([
  'deployment', 'component', 'region', 'workload', 'tenant', 'project', 'project_path', 'workspace', 'environment',
  'ref', 'ref_type', 'run_phase', 'organization', 'serviceaccount', 'pipeline', 'job', 'branch',
]);

/**
 * `sub` patterns that admit far more than intended: one that starts with a wildcard admits every subject the
 * issuer signs — on a shared issuer, every tenant (error); one whose only literals are the first segment and
 * position labels (`app:deployment:*:component:*`, `repo:*`) admits every workload of the tenant (info: it is
 * a legitimate, deliberate scope, but worth seeing).
 */
export const broadSubjectPattern: LintRule = (document) => {
  const findings: LintFinding[] = [];
  for (const statement of document.statements) {
    if (statement.effect !== 'Allow' || !isWebIdentityStatement(statement)) continue;
    for (const condition of pinningConditions(statement, 'sub')) {
      if (!/like/i.test(condition.operator)) continue;
      condition.values.forEach((pattern, index) => {
        const path = condition.values.length > 1 ? `${condition.path}[${index}]` : condition.path;
        if (pattern === '' || hasWildcard(pattern[0]!)) {
          findings.push({
            code: 'broad_sub_pattern',
            severity: 'error',
            message: `The sub pattern \`${pattern}\` starts with a wildcard and admits every subject the issuer signs — on a shared issuer, every tenant. Start it with the fixed part of your subject.`,
            path,
          });
          return;
        }
        const tenancy = SHARED_ISSUER_TENANCY[providerClaim(condition.key)?.prefix ?? ''];
        if (tenancy !== undefined && pattern.startsWith(tenancy) && hasWildcard(pattern.slice(tenancy.length).split(/[/:]/)[0] ?? '')) {
          findings.push({
            code: 'broad_sub_pattern',
            severity: 'error',
            message: `The sub pattern \`${pattern}\` leaves the tenant after \`${tenancy}\` open on a shared issuer: every customer of ${providerClaim(condition.key)!.prefix} can assume the role. Name your organisation or group.`,
            path,
          });
          return;
        }
        const segments = pattern.split(':');
        const rest = segments.slice(1);
        const everyWorkload = hasWildcard(pattern) && rest.length > 0 && rest.every((segment) => hasWildcard(segment) || SUBJECT_LABELS.has(segment.toLowerCase()));
        if (everyWorkload) {
          findings.push({
            code: 'broad_sub_pattern',
            severity: 'info',
            message: `The sub pattern \`${pattern}\` admits every workload under \`${segments[0]}\`. Make sure the whole tenant should reach this role; otherwise pin a deployment or component.`,
            path,
          });
        }
      });
    }
  }
  return findings;
};
