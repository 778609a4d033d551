/** The placeholders a subject template may use (the server's subject_template.ts decides; this only guides typing). */
export const SUBJECT_PLACEHOLDERS = ['tenant', 'deployment', 'component', 'region', 'workload'] as const;

/** A problem with a subject template as typed, or '' when it looks right (the server has the last word). */
export function subjectTemplateProblem(template: string): string {
  if (template.trim() === '') return 'A subject template is required, e.g. tenant:{tenant}:deployment:{deployment}:component:{component}.';
  if (/\s/.test(template)) return 'No spaces: AWS compares the sub claim byte for byte.';
  const open = (template.match(/\{/g) ?? []).length;
  const close = (template.match(/\}/g) ?? []).length;
  if (open !== close) return 'A placeholder is not closed: write {deployment}, with both braces.';
  for (const match of template.matchAll(/\{([^}]*)\}/g)) {
    const name = match[1] ?? '';
    if (!(SUBJECT_PLACEHOLDERS as readonly string[]).includes(name)) return `Unknown placeholder {${name}}; use ${SUBJECT_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}.`;
  }
  if (/\}\{/.test(template)) return 'Two placeholders need a separator between them (one of : / @ = +), or a subject cannot be matched back.';
  if (!/\{(workload|deployment|component)\}/.test(template)) return 'Without {workload}, {deployment} or {component}, every workload of the tenant gets the same subject.';
  return '';
}
