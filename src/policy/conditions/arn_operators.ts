import { arnMatcher } from '../arn.js';
import type { ConditionOperator } from './condition_operator.js';

// ArnEquals behaves like ArnLike in IAM: both match the six components separately and accept wildcards.
export const arnOperators: readonly ConditionOperator[] = [
  { name: 'ArnEquals', family: 'Arn', negated: false, compile: arnMatcher },
  { name: 'ArnLike', family: 'Arn', negated: false, compile: arnMatcher },
  { name: 'ArnNotEquals', family: 'Arn', negated: true, compile: arnMatcher },
  { name: 'ArnNotLike', family: 'Arn', negated: true, compile: arnMatcher },
];
