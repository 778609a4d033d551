import type { SetupChange } from './setup_change.js';

export interface DescribeOptions {
  /** Colours for a terminal; identity when not a TTY. */
  added?: (text: string) => string;
  removed?: (text: string) => string;
  dim?: (text: string) => string;
}

/**
 * The plan as people read it: each step with its status, the exact IAM call, the equivalent AWS CLI
 * command and, for documents that change, the diff. Unchanged steps are one line.
 */
export function describeSetupPlan(changes: readonly SetupChange[], options: DescribeOptions = {}): string {
  const plain = (text: string): string => text;
  const added = options.added ?? plain;
  const removed = options.removed ?? plain;
  const dim = options.dim ?? plain;
  const lines: string[] = [];
  changes.forEach((change, index) => {
    lines.push(`${index + 1}. [${change.status}] ${change.summary}`);
    for (const warning of change.warnings) lines.push(`   ! ${warning}`);
    if (change.status === 'unchanged') return;
    lines.push(dim(`   API: iam:${change.action} on ${change.target}`));
    lines.push(dim(`   CLI: ${change.cliCommand}`));
    if (change.document) {
      lines.push(`   ${change.document.before === undefined ? 'Document' : 'Diff'}:`);
      for (const line of change.document.diff.split('\n')) {
        const colour = line.startsWith('+ ') ? added : line.startsWith('- ') ? removed : dim;
        lines.push(colour(`     ${line}`));
      }
    }
  });
  return lines.join('\n');
}
