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

  string(value: string | undefined, c: StringConstraint): this {
    if (value === undefined) {
      if (c.required) this.violations.push({ value: null, member: c.member, rule: 'not be null' });
      return this;
    }
    const length = [...value].length;
    if (c.max !== undefined && length > c.max) {
      this.violations.push({ value, member: c.member, rule: `have length less than or equal to ${c.max}` });
    }
    if (c.min !== undefined && length < c.min) {
      this.violations.push({ value, member: c.member, rule: `have length greater than or equal to ${c.min}` });
    }
    if (c.pattern && !c.pattern.regex.test(value)) {
      this.violations.push({ value, member: c.member, rule: `satisfy regular expression pattern: ${c.pattern.text}` });
    }
    return this;
  }

  number(raw: string | undefined, c: NumberConstraint): this {
    if (raw === undefined) return this;
    const value = Number(raw);
    if (c.min !== undefined && value < c.min) {
      this.violations.push({ value: raw, member: c.member, rule: `have value greater than or equal to ${c.min}` });
    }
    if (c.max !== undefined && value > c.max) {
      this.violations.push({ value: raw, member: c.member, rule: `have value less than or equal to ${c.max}` });
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
} as const;
