import type { PolicyDocument } from '../policy_document.js';
import type { LintFinding, LintOptions } from './lint_finding.js';

/** A lint rule reads the parsed document and reports findings; rules never throw. */
export type LintRule = (document: PolicyDocument, options: LintOptions, source: string) => LintFinding[];
