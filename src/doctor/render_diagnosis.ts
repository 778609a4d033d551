import type { ConnectionTestResult, ProbeResult, TestStep } from './connection_test_result.js';
import type { Diagnosis, DiagnosisFinding } from './diagnosis.js';

/** Colours for a terminal; the CLI passes its TTY-aware style, everything else gets plain text. */
export interface TextStyle {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

const plain: TextStyle = { bold: id, dim: id, red: id, green: id, yellow: id };
function id(text: string): string {
  return text;
}

const BASIS: Record<Diagnosis['basis'], string> = {
  trust_policy: 'from the role\'s trust policy, evaluated with the token\'s claims',
  sts_error: 'from STS\'s answer',
  inferred: 'inferred without the trust policy',
};

/**
 * The doctor's answer for a terminal: each step with its status and time, the diagnosis with actual and
 * expected side by side and the corrected statement ready to paste, then the probes. The same object the
 * API returns; this only lays it out.
 */
export function renderConnectionTest(result: ConnectionTestResult, title: string, style: TextStyle = plain): string {
  const lines: string[] = [];
  lines.push(style.bold(`${title}: ${result.ok ? style.green('passed') : style.red('failed')}`));
  const width = Math.max(...result.steps.map((step) => step.name.length));
  for (const step of result.steps) lines.push(`  ${stepMark(step, style)} ${step.name.padEnd(width)}  ${style.dim(`${String(step.durationMs).padStart(5)} ms`)}  ${step.detail}`);
  if (result.diagnosis) lines.push('', ...renderDiagnosis(result.diagnosis, style).split('\n'));
  if (result.probes.length > 0) {
    lines.push('', style.bold('Negative probes (tokens the role must refuse)'));
    for (const probe of result.probes) lines.push(`  ${probeMark(probe, style)} ${probe.probe.padEnd(18)} ${probe.status.padEnd(12)} ${probeDetail(probe, style)}`);
  }
  for (const warning of result.warnings ?? []) {
    lines.push('', style.yellow('Warning: the role admits more than this workload (fine if the connection is meant for a whole deployment or tenant).'));
    lines.push(...renderDiagnosis(warning, style).split('\n'));
  }
  return lines.join('\n');
}

export function renderDiagnosis(diagnosis: Diagnosis, style: TextStyle = plain): string {
  const lines: string[] = [];
  lines.push(`${style.bold('Diagnosis')} ${style.red(diagnosis.code)} ${style.dim(`(${BASIS[diagnosis.basis]}${diagnosis.transient ? '; retrying later may succeed' : ''})`)}`);
  lines.push(...findingLines(diagnosis.findings[0] ?? diagnosis, style));
  const others = diagnosis.findings.slice(1);
  for (const [index, finding] of others.entries()) {
    lines.push('', `  ${style.bold(`Also (${index + 2}/${diagnosis.findings.length})`)} ${style.red(finding.code)}`, ...findingLines(finding, style));
  }
  if (diagnosis.confirm) lines.push('', `  ${style.bold('To confirm')}  ${diagnosis.confirm}`);
  const fix = diagnosis.offeredFix;
  if (fix?.status === 'none') {
    lines.push('', `  ${style.bold('No automatic fix')}  ${style.yellow(fix.reason)}`);
  } else if (fix?.scope === 'document' && diagnosis.correctedDocument) {
    lines.push('', `  ${style.bold('Corrected trust policy')} ${style.dim('(replace the whole trust policy with it; proven with the policy engine)')}`);
    lines.push(...JSON.stringify(diagnosis.correctedDocument, null, 2).split('\n').map((line) => `    ${line}`));
  } else if (diagnosis.correctedStatement) {
    const where = fix?.status === 'proven' && fix.replaces ? `replace ${fix.replaces} with it` : 'replace the statement at fault with it';
    lines.push('', `  ${style.bold('Corrected trust-policy statement')} ${style.dim(`(${where}${fix ? '; proven with the policy engine' : ''})`)}`);
    lines.push(...JSON.stringify(diagnosis.correctedStatement, null, 2).split('\n').map((line) => `    ${line}`));
  }
  if (fix?.status === 'proven' && fix.refusedProbes.length > 0) {
    lines.push(`  ${style.dim(`It admits this token and refuses the probes: ${fix.refusedProbes.join(', ')}.`)}`);
  }
  if (diagnosis.sts) {
    const where = diagnosis.sts.step === 0 ? diagnosis.sts.operation : `${diagnosis.sts.operation} (hop ${diagnosis.sts.step})`;
    lines.push('', `  ${style.dim(`STS said, on ${where} for ${diagnosis.sts.roleArn}:`)} ${diagnosis.sts.code}: ${diagnosis.sts.message}`);
  }
  return lines.join('\n');
}

function findingLines(finding: DiagnosisFinding, style: TextStyle): string[] {
  return [
    `  ${style.bold('Cause   ')}  ${finding.cause}`,
    `  ${style.bold('Setting ')}  ${finding.setting}`,
    `  ${style.bold('Actual  ')}  ${finding.actual === null ? style.dim('(unknown)') : style.red(finding.actual)}`,
    `  ${style.bold('Expected')}  ${finding.expected === null ? style.dim('(remove it: nothing can satisfy it)') : style.green(finding.expected)}`,
    `  ${style.bold('Fix     ')}  ${finding.fix}`,
  ];
}

function stepMark(step: TestStep, style: TextStyle): string {
  switch (step.status) {
    case 'ok':
      return style.green('✓');
    case 'failed':
      return style.red('✗');
    case 'warning':
      return style.yellow('!');
    case 'skipped':
      return style.dim('-');
  }
}

function probeMark(probe: ProbeResult, style: TextStyle): string {
  if (probe.status === 'refused') return style.green('✓');
  if (probe.status === 'accepted') return style.red('✗');
  return style.dim('-');
}

function probeDetail(probe: ProbeResult, style: TextStyle): string {
  const session = probe.sessionName ? style.dim(` [session ${probe.sessionName}]`) : '';
  return `${probe.detail}${session}`;
}
