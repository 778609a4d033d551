import { permissionPolicyFor, type PermissionParameters, type PolicyJson, type PolicyStatementJson } from '../policy/index.js';

/**
 * One inline policy from several permission templates (the policy engine's), their statements side by
 * side. Sids are made unique, since two templates may name a statement alike. Throws the engine's
 * `missing_template_parameter` (details.parameter) when a template needs a value that was not given.
 */
export function permissionPolicyForTemplates(templates: readonly string[], parameters: PermissionParameters): PolicyJson | undefined {
  if (templates.length === 0) return undefined;
  const statements: PolicyStatementJson[] = [];
  const seen = new Set<string>();
  for (const template of templates) {
    for (const statement of permissionPolicyFor(template, parameters).Statement) {
      let sid = statement.Sid;
      for (let n = 2; sid !== undefined && seen.has(sid); n++) sid = `${statement.Sid}${n}`;
      if (sid !== undefined) seen.add(sid);
      statements.push(sid === undefined ? statement : { ...statement, Sid: sid });
    }
  }
  return { Version: '2012-10-17', Statement: statements };
}
