import type { ContextValue } from './authorization_request.js';
import type { PolicyEffect } from './policy_document.js';

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/**
 * The explanation of one request against one policy: plain JSON, rendered as-is by the API and the console
 * and as text by the CLI.
 */
export interface PolicyEvaluation {
  readonly decision: Decision;
  readonly action: string;
  /** One or two sentences for a person: what decided, and what to change. */
  readonly summary: string;
  readonly statements: readonly StatementEvaluation[];
  /** When the request passes session tags: the evaluation of `sts:TagSession`, which must be allowed too. */
  readonly tagSession?: PolicyEvaluation;
}

export interface ElementEvaluation {
  readonly matched: boolean;
  readonly explanation: string;
}

export interface StatementEvaluation {
  readonly index: number;
  readonly path: string;
  readonly sid?: string;
  readonly effect: PolicyEffect;
  /** Principal, action, resource and every condition matched: the statement's effect applies. */
  readonly applies: boolean;
  readonly principal: ElementEvaluation;
  readonly action: ElementEvaluation;
  readonly resource: ElementEvaluation;
  readonly conditions: readonly ConditionEvaluation[];
  readonly explanation: string;
}

export interface ConditionEvaluation {
  readonly path: string;
  readonly operator: string;
  readonly key: string;
  readonly matched: boolean;
  /** What the request carries for the key (null: absent). */
  readonly contextValue: ContextValue | null;
  /** What the policy requires. */
  readonly requiredValues: readonly string[];
  readonly explanation: string;
}
