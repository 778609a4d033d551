/**
 * The values a subject template's placeholders take. A value is restricted to `[A-Za-z0-9._-]` (1–64
 * characters), so no value can inject `:`, `*`, `?` or `/` into a `sub` a trust policy pins.
 */
export const SUBJECT_PLACEHOLDERS = ['tenant', 'deployment', 'component', 'region', 'workload'] as const;
export type SubjectPlaceholder = (typeof SUBJECT_PLACEHOLDERS)[number];
export type SubjectValues = Partial<Record<SubjectPlaceholder, string>>;

/** What a value may contain: nothing a trust-policy pattern or a condition-key separator could use. */
export const SUBJECT_VALUE_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
