import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  decodeJwtClaims,
  evaluatePolicy,
  hasLintErrors,
  lintPolicy,
  oidcProviderArn,
  parsePolicy,
  RENDER_FORMATS,
  renderPolicy,
  simulationRequest,
  subjectPattern,
  trustPolicyFor,
  type ConditionEvaluation,
  type ContextValue,
  type ElementEvaluation,
  type LintFinding,
  type PolicyEvaluation,
  type StatementEvaluation,
} from '../../policy/index.js';
import { assertScopeFitsTemplate, parseSetupScope, scopeSubjectValues } from '../../claims/index.js';
import { CliExit, EXIT_NEGATIVE, EXIT_OK, usageError } from '../cli_exit.js';
import { printJson, printLine } from '../output.js';
import { style } from '../terminal_style.js';

/**
 * `rolebridge policy trust|simulate|lint`: the policy engine from a terminal. Every subcommand is pure over
 * its input files; nothing talks to AWS or the server.
 */

/** Placeholder account for `policy trust` without --account-id (Terraform and CloudFormation reference the provider instead). */
const ACCOUNT_PLACEHOLDER = '111111111111';

interface TrustFlags {
  issuer: string;
  audience: string[];
  subject: string[];
  subjectTemplate?: string;
  scope?: string;
  tenant?: string;
  format: string;
  accountId?: string;
  roleName: string;
  sessionTags?: boolean;
}

interface SimulateFlags {
  policy: string;
  token?: string;
  claims?: string;
  providerArn?: string;
  issuer?: string;
  action?: string;
  roleSessionName?: string;
  context: string[];
  json?: boolean;
}

interface LintFlags {
  issuer?: string;
  sessionTags?: boolean;
  json?: boolean;
}

const collect = (value: string, all: string[]): string[] => [...all, value];

export function registerPolicyCommand(program: Command): void {
  const policy = program.command('policy').description('Generate, simulate and lint IAM trust policies (offline, no AWS calls).');

  policy
    .command('trust')
    .description('Print the trust policy a role needs to trust this issuer, audience and subject pattern.')
    .requiredOption('--issuer <url>', 'the issuer URL (https://…, or http://127.0.0.1:<port>/… for the local emulator)')
    .requiredOption('--audience <aud>', 'token audience to pin, usually sts.amazonaws.com (repeatable)', collect, [])
    .option('--subject <pattern>', 'sub value or pattern, e.g. app:deployment:12:* (repeatable); StringLike is used when it has * or ?', collect, [])
    .option('--subject-template <template>', 'instead of --subject: the token config\'s subject template, e.g. tenant:{tenant}:deployment:{deployment}:component:{component}')
    .option('--scope <scope>', 'with --subject-template: tenant, or any comma-joined combination of deployment:<d>, component:<c>, region:<r> (the others become *)')
    .option('--tenant <id>', 'with --subject-template: the value of {tenant}')
    .option('--format <format>', `output format: ${RENDER_FORMATS.join(', ')}`, 'json')
    .option('--account-id <id>', `AWS account holding the OIDC provider (default ${ACCOUNT_PLACEHOLDER}, a placeholder to replace)`)
    .option('--role-name <name>', 'role name for the terraform, cloudformation and cli formats', 'rolebridge-role')
    .option('--session-tags', 'the tokens carry AWS session tags: also allow sts:TagSession')
    .action((flags: TrustFlags) => {
      if (!(RENDER_FORMATS as readonly string[]).includes(flags.format)) {
        throw usageError(`--format must be one of ${RENDER_FORMATS.join(', ')}, not "${flags.format}".`);
      }
      if (flags.accountId !== undefined && !/^\d{12}$/.test(flags.accountId)) throw usageError(`--account-id must be 12 digits, not "${flags.accountId}".`);
      const trustPolicy = trustPolicyFor({
        issuer: flags.issuer,
        audience: flags.audience,
        subject: subjectsOf(flags),
        providerArn: oidcProviderArn(flags.accountId ?? ACCOUNT_PLACEHOLDER, flags.issuer),
        sessionTags: flags.sessionTags ?? false,
      });
      if (flags.accountId === undefined && (flags.format === 'json')) {
        process.stderr.write(`rolebridge: the provider ARN uses the placeholder account ${ACCOUNT_PLACEHOLDER}; pass --account-id to fill in yours.\n`);
      }
      process.stdout.write(renderPolicy(flags.format, { issuer: flags.issuer, audiences: flags.audience, roleName: flags.roleName, trustPolicy }));
    });

  policy
    .command('simulate')
    .description(
      'Evaluate a trust policy against a token the way AWS does, and say which statement and condition decided. ' +
        'Exit 0 when allowed, 1 when denied, 2 on bad input.',
    )
    .requiredOption('--policy <file>', 'the trust policy JSON')
    .option('--token <file>', 'a JWT (its payload is decoded, the signature is not verified)')
    .option('--claims <file>', 'a JSON object of claims, instead of --token')
    .option('--provider-arn <arn>', 'the Federated principal the request comes from (default: oidc-provider/<iss without https://> in the account the policy names, or 123456789012)')
    .option('--issuer <url>', 'the issuer, when the claims have no iss')
    .option('--action <action>', 'the action to evaluate', 'sts:AssumeRoleWithWebIdentity')
    .option('--role-session-name <name>', 'sets sts:RoleSessionName')
    .option('--context <key=value>', 'add a context key (repeatable; repeating a key makes it multivalued)', collect, [])
    .option('--json', 'print one JSON object {"decision", "summary", "statements": [...]} (the API\'s answer)')
    .action(async (flags: SimulateFlags) => {
      if ((flags.token === undefined) === (flags.claims === undefined)) throw usageError('give exactly one of --token FILE or --claims FILE.');
      const document = parsePolicy(await readInput(flags.policy, '--policy'));
      const claims = flags.token !== undefined ? decodeJwtClaims(await readInput(flags.token, '--token')) : parseClaims(await readInput(flags.claims!, '--claims'));
      const request = simulationRequest({
        policy: document,
        claims,
        ...(flags.providerArn === undefined ? {} : { providerArn: flags.providerArn }),
        ...(flags.issuer === undefined ? {} : { issuer: flags.issuer }),
        ...(flags.action === undefined ? {} : { action: flags.action }),
        ...(flags.roleSessionName === undefined ? {} : { roleSessionName: flags.roleSessionName }),
        context: parseContext(flags.context),
      });
      const evaluation = evaluatePolicy(document, request);
      if (flags.json) printJson(evaluation);
      else renderEvaluation(evaluation);
      throw new CliExit(evaluation.decision === 'Allowed' ? EXIT_OK : EXIT_NEGATIVE);
    });

  policy
    .command('lint')
    .description('Report the mistakes people really make in trust policies. Exit 1 when a finding is an error.')
    .argument('<file>', 'the policy JSON')
    .option('--issuer <url>', 'the issuer the policy should trust (checks provider ARNs and condition-key prefixes)')
    .option('--session-tags', 'the tokens carry AWS session tags (sts:TagSession is then required)')
    .option('--json', 'print one JSON object {"findings": [{code, severity, message, path}]}')
    .action(async (file: string, flags: LintFlags) => {
      const text = await readInput(file, 'the policy file');
      // Not JSON at all is bad input (exit 2), not a finding about a policy.
      try {
        JSON.parse(text);
      } catch (error) {
        throw usageError(`${file} is not JSON: ${(error as Error).message}`);
      }
      const findings = lintPolicy(text, {
        ...(flags.issuer === undefined ? {} : { issuer: flags.issuer }),
        sessionTags: flags.sessionTags ?? false,
      });
      if (flags.json) printJson({ findings });
      else renderFindings(findings);
      throw new CliExit(hasLintErrors(findings) ? EXIT_NEGATIVE : EXIT_OK);
    });
}

async function readInput(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`);
  }
}

function parseClaims(text: string): Record<string, unknown> {
  let claims: unknown;
  try {
    claims = JSON.parse(text);
  } catch {
    throw usageError('--claims must be a JSON object.');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw usageError('--claims must be a JSON object.');
  return claims as Record<string, unknown>;
}

function parseContext(entries: readonly string[]): Record<string, ContextValue> {
  const context: Record<string, string[]> = {};
  for (const entry of entries) {
    const equals = entry.indexOf('=');
    if (equals <= 0) throw usageError(`--context takes KEY=VALUE, not "${entry}".`);
    const key = entry.slice(0, equals);
    (context[key] ??= []).push(entry.slice(equals + 1));
  }
  return Object.fromEntries(Object.entries(context).map(([key, values]) => [key, values.length === 1 ? values[0]! : values]));
}

const mark = (matched: boolean): string => (matched ? style.green('✓') : style.red('✗'));

function decisionLabel(decision: PolicyEvaluation['decision']): string {
  return decision === 'Allowed' ? style.green(style.bold(decision)) : style.red(style.bold(decision));
}

/** A person-readable explanation: the decision first, then every statement with its parts and conditions. */
function renderEvaluation(evaluation: PolicyEvaluation): void {
  printLine(`${decisionLabel(evaluation.decision)}  ${evaluation.action}`);
  printLine(evaluation.summary);
  renderStatements(evaluation.statements);
  if (evaluation.tagSession) {
    printLine();
    printLine(`${style.bold('sts:TagSession')} (the token passes session tags): ${decisionLabel(evaluation.tagSession.decision)}`);
    renderStatements(evaluation.tagSession.statements);
  }
}

function renderStatements(statements: readonly StatementEvaluation[]): void {
  for (const statement of statements) {
    printLine();
    const name = `${statement.path}${statement.sid ? ` ${statement.sid}` : ''}`;
    const verdict = statement.applies ? style.green('applies') : style.dim('does not apply');
    printLine(`${mark(statement.applies)} ${style.bold(name)} ${statement.effect} — ${verdict}`);
    renderElement('principal', statement.principal);
    renderElement('action', statement.action);
    renderElement('resource', statement.resource);
    for (const condition of statement.conditions) renderCondition(condition);
  }
}

function renderElement(label: string, element: ElementEvaluation): void {
  printLine(`    ${mark(element.matched)} ${style.dim(label.padEnd(9))} ${element.explanation}`);
}

function renderCondition(condition: ConditionEvaluation): void {
  printLine(`    ${mark(condition.matched)} ${style.cyan(condition.operator)} ${condition.key}`);
  const actual = condition.contextValue === null ? style.dim('(absent)') : JSON.stringify(condition.contextValue);
  printLine(`        request: ${actual}`);
  printLine(`        policy:  ${JSON.stringify(condition.requiredValues.length === 1 ? condition.requiredValues[0] : condition.requiredValues)}`);
  printLine(`        ${condition.matched ? style.dim(condition.explanation) : condition.explanation}`);
}

function renderFindings(findings: readonly LintFinding[]): void {
  if (findings.length === 0) {
    printLine(style.green('No findings.'));
    return;
  }
  for (const finding of findings) {
    const severity = finding.severity === 'error' ? style.red('error') : finding.severity === 'warning' ? style.yellow('warning') : style.cyan('info');
    printLine(`${severity} ${style.bold(finding.code)} ${style.dim(finding.path === '' ? '(document)' : finding.path)}`);
    printLine(`    ${finding.message}`);
  }
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  printLine();
  printLine(`${findings.length} finding${findings.length === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}.`);
}

/** `--subject` as given, or the pattern for `--subject-template` and `--scope` (exactly one of the two ways). */
function subjectsOf(flags: TrustFlags): string[] {
  const fromScope = flags.subjectTemplate !== undefined || flags.scope !== undefined;
  if (fromScope && flags.subject.length > 0) throw usageError('give --subject, or --subject-template with --scope, not both');
  if (!fromScope) {
    if (flags.subject.length === 0) throw usageError("required option '--subject <pattern>' (or --subject-template with --scope) not specified");
    return flags.subject;
  }
  if (flags.subjectTemplate === undefined || flags.scope === undefined) throw usageError('--subject-template and --scope go together');
  const scope = parseSetupScope(flags.scope);
  if (scope.kind === 'workload') {
    throw usageError('a workload scope needs the workload\'s attributes: pass its exact subject with --subject, or ask the server (GET …/trust-policy?scope=workload:<id>)');
  }
  const tenant = flags.tenant ?? (/\{tenant\}/.test(flags.subjectTemplate) ? undefined : 'tenant');
  if (tenant === undefined) throw usageError('the subject template has {tenant}: pass --tenant');
  assertScopeFitsTemplate(flags.subjectTemplate, scope);
  return [subjectPattern(flags.subjectTemplate, { pinned: scopeSubjectValues(scope, tenant) })];
}
