import { type ConstraintViolation, validationError } from './aws_error.js';

/**
 * Server-side parameter constraints of the AWS service models (botocore service-2.json), checked
 * in one place so every action reports violations in AWS's grammar. Length items come before the
 * pattern item for the same member, as in the presto capture quoted in AWS-REFERENCE §1.7.
 */
export interface StringConstraint {
  member: string;
  required?: boolean;
  min?: number;
  max?: number;
  /** The pattern as AWS prints it, and the regular expression that implements it. */
  pattern?: { text: string; regex: RegExp };
}

export interface NumberConstraint {
  member: string;
  min?: number;
  max?: number;
}

export class ConstraintChecker {
  private readonly violations: ConstraintViolation[] = [];

  /** `echoValues: false` for IAM, whose validation messages never repeat the value (LocalStack's 2025–2026 captures). */
  constructor(private readonly options: { echoValues?: boolean } = {}) {}

  private push(violation: ConstraintViolation): void {
    this.violations.push(this.options.echoValues === false ? { ...violation, echo: false } : violation);
  }

  /**
   * A list whose items break their own constraints: AWS reports the list member once with every rule
   * of the item type, `Member must satisfy constraint: [Member must have length less than or equal to 255, …]`.
   */
  listItems(values: readonly string[], c: Omit<StringConstraint, 'required'> & { itemNotNull?: boolean }): this {
    const broken = values.some(
      (value) =>
        (c.max !== undefined && [...value].length > c.max) ||
        (c.min !== undefined && [...value].length < c.min) ||
        (c.pattern !== undefined && !c.pattern.regex.test(value)),
    );
    if (!broken) return this;
    const rules = [
      ...(c.max === undefined ? [] : [`Member must have length less than or equal to ${c.max}`]),
      ...(c.min === undefined ? [] : [`Member must have length greater than or equal to ${c.min}`]),
      ...(c.pattern === undefined ? [] : [`Member must satisfy regular expression pattern: ${c.pattern.text}`]),
      ...(c.itemNotNull ? ['Member must not be null'] : []),
    ];
    this.push({ value: `[${values.join(', ')}]`, member: c.member, rule: `satisfy constraint: [${rules.join(', ')}]` });
    return this;
  }

  /** A list longer than the model allows: `Member must have length less than or equal to 50`. */
  listLength(values: readonly unknown[], member: string, max: number): this {
    if (values.length > max) this.push({ value: `[${values.join(', ')}]`, member, rule: `have length less than or equal to ${max}` });
    return this;
  }

  string(value: string | undefined, c: StringConstraint): this {
    if (value === undefined) {
      if (c.required) this.push({ value: null, member: c.member, rule: 'not be null' });
      return this;
    }
    const length = [...value].length;
    if (c.max !== undefined && length > c.max) {
      this.push({ value, member: c.member, rule: `have length less than or equal to ${c.max}` });
    }
    if (c.min !== undefined && length < c.min) {
      this.push({ value, member: c.member, rule: `have length greater than or equal to ${c.min}` });
    }
    if (c.pattern && !c.pattern.regex.test(value)) {
      this.push({ value, member: c.member, rule: `satisfy regular expression pattern: ${c.pattern.text}` });
    }
    return this;
  }

  number(raw: string | undefined, c: NumberConstraint): this {
    if (raw === undefined) return this;
    const value = Number(raw);
    if (c.min !== undefined && value < c.min) {
      this.push({ value: raw, member: c.member, rule: `have value greater than or equal to ${c.min}` });
    }
    if (c.max !== undefined && value > c.max) {
      this.push({ value: raw, member: c.member, rule: `have value less than or equal to ${c.max}` });
    }
    return this;
  }

  /** Throws the collected violations as one ValidationError, if any. */
  throwIfAny(): void {
    if (this.violations.length > 0) throw validationError(this.violations);
  }
}

/** Patterns from the service models, as AWS prints them. */
export const PATTERNS = {
  roleSessionName: { text: '[\\w+=,.@-]*', regex: /^[\w+=,.@-]*$/ },
  roleName: { text: '[\\w+=,.@-]+', regex: /^[\w+=,.@-]+$/ },
  userName: { text: '[\\w+=,.@-]+', regex: /^[\w+=,.@-]+$/ },
  externalId: { text: '[\\w+=,.@:\\/-]*', regex: /^[\w+=,.@:/-]*$/ },
  path: { text: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)', regex: /^(\/|\/[\u0021-\u007E]+\/)$/ },
  policyName: { text: '[\\w+=,.@-]+', regex: /^[\w+=,.@-]+$/ },
  policyDocument: {
    text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
    regex: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/,
  },
  thumbprint: { text: '[0-9a-fA-F]{40}', regex: /^[0-9a-fA-F]{40}$/ },
  tagKey: { text: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+', regex: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u },
  tagValue: { text: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*', regex: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u },
  policyVersionId: { text: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?', regex: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/ },
} as const;
