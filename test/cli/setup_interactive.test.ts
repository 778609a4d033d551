import { GetRoleCommand, ListOpenIDConnectProvidersCommand } from '@aws-sdk/client-iam';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEYS, startPseudoTerminal } from '../setup/pseudo_terminal.js';
import { startSetupWorld, type SetupWorld } from '../setup/setup_world.js';

const REPO = resolve(import.meta.dirname, '../..');

/** `rolebridge setup aws` in a real terminal: prompts for what flags did not say, asks before each IAM change. */
describe('rolebridge setup aws, interactive in a pseudo-terminal', { timeout: 90_000 }, () => {
  let world: SetupWorld;
  beforeEach(async () => {
    world = await startSetupWorld();
  });
  afterEach(async () => world.close());

  const start = (): ReturnType<typeof startPseudoTerminal> =>
    startPseudoTerminal(
      [process.execPath, '--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'setup', 'aws', '--server', world.server.url, '--tenant', 'acme', '--token-config', 'aws'],
      { ...world.env(), TERM: 'xterm-256color' },
      REPO,
    );

  async function answerQuestions(terminal: ReturnType<typeof startPseudoTerminal>): Promise<void> {
    await terminal.waitFor('IAM role name');
    terminal.type(KEYS.enter); // accept the suggested rolebridge-acme
    await terminal.waitFor('Which workloads may assume the role?');
    terminal.type(KEYS.enter); // by deployment, component and/or region
    await terminal.waitFor('Deployment');
    terminal.type(`prod${KEYS.enter}`);
    await terminal.waitFor('Component (empty: every component)');
    terminal.type(`etl${KEYS.enter}`);
    await terminal.waitFor('Region (empty: every region)');
    terminal.type(KEYS.enter); // every region
    await terminal.waitFor('Permissions for the role');
    terminal.type(KEYS.enter); // none
  }

  it('asks for the missing inputs, then approves each change one by one and binds the connection', async () => {
    const terminal = start();
    await answerQuestions(terminal);
    await terminal.waitFor('Plan for role rolebridge-acme');
    await terminal.waitFor('Step 1: Create the OIDC identity provider');
    terminal.type(KEYS.enter);
    await terminal.waitFor('Step 2: Create the IAM role rolebridge-acme');
    terminal.type(KEYS.enter);
    await terminal.waitFor('Connection rolebridge-acme saved (verified with workload');
    expect(await terminal.exited, terminal.screen().slice(-2500)).toBe(0);
    const role = await world.iam.send(new GetRoleCommand({ RoleName: 'rolebridge-acme' }));
    expect(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)).toContain('tenant:acme:deployment:prod:component:etl');
  });

  it('refusing a change stops there (exit 1), says what was and was not done, and makes nothing after it', async () => {
    const terminal = start();
    await answerQuestions(terminal);
    await terminal.waitFor('Step 1: Create the OIDC identity provider');
    terminal.type(KEYS.enter);
    await terminal.waitFor('Step 2: Create the IAM role rolebridge-acme');
    terminal.type(KEYS.right + KEYS.enter); // "No"
    await terminal.waitFor('was refused');
    expect(await terminal.exited).toBe(1);
    expect(terminal.screen()).toMatch(/\[applied\] Create the OIDC identity provider/);
    expect(terminal.screen()).toMatch(/\[skipped\] Create the IAM role rolebridge-acme/);
    expect((await world.iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toHaveLength(1);
    await expect(world.iam.send(new GetRoleCommand({ RoleName: 'rolebridge-acme' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });
});
