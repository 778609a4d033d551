import { SUBJECT_PLACEHOLDERS, SUBJECT_VALUE_PATTERN, type SubjectPlaceholder, type SubjectValues } from '../claims/index.js';
import { InvalidInputError, UnprocessableError } from '../core/index.js';

/**
 * Subject templates turn a workload's immutable attributes into the token's `sub`, e.g.
 * `tenant:{tenant}:deployment:{deployment}:component:{component}`.
 *
 * Two guarantees make a `sub` safe to put in a trust policy:
 * - values are restricted to `[A-Za-z0-9._-]` (1–64 chars), so no value can inject `:`, `*`, `?`, `/`;
 * - between two placeholders the template must have a literal containing at least one character that
 *   values cannot contain (a *separator*, e.g. `:` or `/`). Rendering is then injective: the
 *   separator fixes where each value ends, so two different value tuples never render the same `sub`.
 *   (`{deployment}-{component}` is refused: `a-b`+`c` and `a`+`b-c` would both give `a-b-c`.)
 */
export { SUBJECT_PLACEHOLDERS, SUBJECT_VALUE_PATTERN, type SubjectPlaceholder, type SubjectValues };
/** What the literal parts of a template may contain: value characters plus a few separators. */
const LITERAL_PATTERN = /^[A-Za-z0-9._:/@=+-]*$/;
const SEPARATOR_PATTERN = /[:/@=+]/;
const MAX_TEMPLATE_LENGTH = 255;
/** AWS returns `sub` as SubjectFromWebIdentityToken, 6–255 characters. */
export const MAX_SUBJECT_LENGTH = 255;

export type TemplatePart = { literal: string } | { placeholder: SubjectPlaceholder };

export interface SubjectTemplate {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
  /** The distinct placeholders the template mentions, in order of first appearance. */
  readonly placeholders: readonly SubjectPlaceholder[];
}

function templateError(message: string, details: Record<string, unknown>): InvalidInputError {
  return new InvalidInputError('invalid_subject_template', message, details);
}

function isPlaceholder(name: string): name is SubjectPlaceholder {
  return (SUBJECT_PLACEHOLDERS as readonly string[]).includes(name);
}

export interface ParseTemplateOptions {
  /** Require a separator literal between placeholders (subjects: yes; session-tag values: no). */
  requireSeparators?: boolean;
  /** Require at least one placeholder. */
  requirePlaceholder?: boolean;
}

/** Parses and validates a template; throws InvalidInputError `invalid_subject_template` naming the problem. */
export function parseSubjectTemplate(source: string, options: ParseTemplateOptions = {}): SubjectTemplate {
  const { requireSeparators = true, requirePlaceholder = true } = options;
  if (source.length === 0 || source.length > MAX_TEMPLATE_LENGTH) {
    throw templateError(`A subject template is 1–${MAX_TEMPLATE_LENGTH} characters.`, { length: source.length });
  }
  const parts: TemplatePart[] = [];
  const placeholders: SubjectPlaceholder[] = [];
  const tokenizer = /\{([^{}]*)\}|([^{}]+)|([{}])/g;
  for (const match of source.matchAll(tokenizer)) {
    const [, name, literal, stray] = match;
    if (stray !== undefined) {
      throw templateError(`Unbalanced '${stray}' at position ${match.index}.`, { position: match.index });
    }
    if (literal !== undefined) {
      if (!LITERAL_PATTERN.test(literal)) {
        throw templateError(
          "Literal text in a subject template may contain only letters, digits and . _ - : / @ = + (no '*', '?' or spaces).",
          { literal },
        );
      }
      parts.push({ literal });
      continue;
    }
    if (name === undefined || !isPlaceholder(name)) {
      throw templateError(`Unknown placeholder {${name ?? ''}}; known: ${SUBJECT_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}.`, {
        placeholder: name ?? '',
        known: [...SUBJECT_PLACEHOLDERS],
      });
    }
    const previous = parts[parts.length - 1];
    if (requireSeparators && previous !== undefined && 'placeholder' in previous) {
      throw templateError(`Placeholders {${previous.placeholder}} and {${name}} need a separator (one of : / @ = +) between them.`, {
        placeholder: name,
      });
    }
    if (requireSeparators && previous !== undefined && 'literal' in previous && parts.length >= 2) {
      const beforeLiteral = parts[parts.length - 2];
      if (beforeLiteral !== undefined && 'placeholder' in beforeLiteral && !SEPARATOR_PATTERN.test(previous.literal)) {
        throw templateError(
          `The text '${previous.literal}' between {${beforeLiteral.placeholder}} and {${name}} needs a separator (one of : / @ = +): values may contain '${previous.literal}'.`,
          { placeholder: name, literal: previous.literal },
        );
      }
    }
    parts.push({ placeholder: name });
    if (!placeholders.includes(name)) placeholders.push(name);
  }
  if (requirePlaceholder && placeholders.length === 0) {
    throw templateError('A subject template needs at least one placeholder, or every workload would share one subject.', {});
  }
  return { source, parts, placeholders };
}

export function isSubjectValue(value: string): boolean {
  return SUBJECT_VALUE_PATTERN.test(value);
}

/** Validates one attribute value (deployment, component, region); `field` names it in the error. */
export function assertSubjectValue(field: string, value: string): string {
  if (!isSubjectValue(value)) {
    throw new InvalidInputError('invalid_attribute_value', `${field} must be 1–64 characters of letters, digits, '.', '_' and '-'.`, {
      field,
    });
  }
  return value;
}

/**
 * Renders a template. Values are validated again here (defence in depth: a value never reaches a `sub`
 * unchecked). A placeholder without a value (a workload without a region under a `{region}` template)
 * is a 422 `subject_value_missing`.
 */
export function renderSubjectTemplate(template: SubjectTemplate, values: SubjectValues): string {
  let out = '';
  for (const part of template.parts) {
    if ('literal' in part) {
      out += part.literal;
      continue;
    }
    const value = values[part.placeholder];
    if (value === undefined) {
      throw new UnprocessableError('subject_value_missing', `The subject template uses {${part.placeholder}}, which this workload does not have.`, {
        placeholder: part.placeholder,
        template: template.source,
      });
    }
    out += assertSubjectValue(part.placeholder, value);
  }
  if (out.length > MAX_SUBJECT_LENGTH) {
    throw new UnprocessableError('subject_too_long', `The rendered subject is ${out.length} characters; AWS accepts at most ${MAX_SUBJECT_LENGTH}.`, {
      length: out.length,
    });
  }
  return out;
}

/** Whether the template can be rendered for these values (all placeholders set). */
export function canRenderSubject(template: SubjectTemplate, values: SubjectValues): boolean {
  return template.placeholders.every((p) => values[p] !== undefined);
}
