/**
 * The console in a real browser (Debian's chromium via playwright-core) against a real server and the AWS
 * emulator: every step a person takes, by the accessible names CONTRACT lists, with axe-core on every screen
 * and no console error, page error or failed request allowed.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, seriousViolations, watchPage, type PageWatch } from './browser.js';
import { CONSOLE_ADMIN_TOKEN, startConsoleWorld, trustPolicy, type ConsoleWorld } from './console_world.js';

const SUBJECT = 'tenant:acme:deployment:prod:component:etl';
const WRONG_SUBJECT = 'tenant:acme:deployment:prod:component:api';
/** expect.poll waits 1 s by default; a loaded machine (and the preview's debounce) may need longer. */
const SLOW = { timeout: 30_000 };

// One browser session walks the flows in order; each step waits for what a person would see (no sleeps).
describe('web console, driven in chromium', { timeout: 90_000 }, () => {
  let world: ConsoleWorld;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let watch: PageWatch;
  let issuer = '';
  let workloadSecret = '';

  async function expectAccessible(screen: string): Promise<void> {
    await page.getByRole('status').filter({ hasText: /^Loading/ }).first().waitFor({ state: 'detached' }).catch(() => undefined);
    const violations = await seriousViolations(page);
    expect(violations, `axe on ${screen}`).toEqual([]);
  }

  beforeAll(async () => {
    world = await startConsoleWorld();
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(45_000);
    watch = watchPage(page);
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('serves the console with a strict CSP and leaves the API, issuer and docs alone', async () => {
    const root = await fetch(`${world.url}/tenants/acme/connections`);
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = root.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(root.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await root.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script at all
    const unknownApi = await fetch(`${world.url}/api/v1/nothing-here`);
    expect(unknownApi.status).toBe(404);
    expect(await unknownApi.json()).toMatchObject({ error: { code: 'route_not_found' } });
    expect((await fetch(`${world.url}/openapi.json`)).headers.get('content-type')).toMatch(/json/);
    expect((await fetch(`${world.url}/docs`, { redirect: 'manual' })).status).toBeLessThan(400);
  });

  it('signs in with an API key, refusing a wrong one with its code', async () => {
    await page.goto(`${world.url}/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await expectAccessible('sign-in');
    watch.expect('GET', '/api/v1/tenants', 401);
    await page.getByLabel('API key').fill('rb_admin_wrong_key_0000000000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('invalid_credentials');
    await page.getByLabel('API key').fill(CONSOLE_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Tenants' }).waitFor();
    await page.getByText('No tenants yet').waitFor();
    expect(await page.evaluate("sessionStorage.getItem('rolebridge.apiKey')")).toBe(CONSOLE_ADMIN_TOKEN);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    await expectAccessible('tenants (empty)');
  });

  it('creates a tenant and shows its issuer, discovery and JWKS links and keys', async () => {
    await page.getByLabel('Tenant id').fill('acme');
    await page.getByLabel('Tenant name').fill('Acme Corp');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.getByRole('heading', { name: 'Acme Corp (acme)' }).waitFor();
    issuer = `${world.url}/t/acme`;
    await page.getByText(issuer, { exact: true }).waitFor();
    expect(await page.getByRole('link', { name: `${issuer}/.well-known/jwks.json` }).getAttribute('href')).toBe(`${issuer}/.well-known/jwks.json`);
    await page.getByRole('cell', { name: 'active' }).first().waitFor();
    await expectAccessible('tenant overview');
    await page.getByRole('link', { name: 'Tenants', exact: true }).first().click();
    await page.getByRole('link', { name: 'acme', exact: true }).click();
    await page.getByRole('heading', { name: 'Signing keys' }).waitFor();
  });

  it('creates a token config with hints as you type, and a workload whose secret is shown once with its snippets', async () => {
    await page.getByRole('link', { name: 'Token configs' }).click();
    await page.getByText('No token configs yet').waitFor();
    await page.getByLabel('Subject template').fill('tenant:{tenant}:deployment:{deploy}');
    await page.getByText('Unknown placeholder {deploy}').waitFor();
    await page.getByLabel('Subject template').fill('tenant:{tenant}:deployment:{deployment}:component:{component}');
    await page.getByLabel('Token config name').fill('aws');
    await page.getByRole('button', { name: 'Create token config' }).click();
    await page.getByRole('cell', { name: 'tenant:{tenant}:deployment:{deployment}:component:{component}' }).waitFor();
    await page.getByLabel('Token config name').fill('tagged');
    await page.getByLabel('Session tags (optional)').fill('deployment {deployment}');
    await page.getByText('is not Key=value').waitFor();
    await page.getByLabel('Session tags (optional)').fill('deployment={deployment}\nteam*=data');
    await page.getByRole('button', { name: 'Create token config' }).click();
    const tagged = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'tagged', exact: true }) });
    await tagged.waitFor();
    expect(await tagged.textContent()).toContain('"principalTags":{"deployment":"{deployment}","team":"data"},"transitiveTagKeys":["team"]');
    await expectAccessible('token configs');

    await page.getByRole('link', { name: 'Workloads' }).click();
    await page.getByText('No workloads yet').waitFor();
    await page.getByLabel('Deployment').fill('prod');
    await page.getByLabel('Component').fill('etl');
    await page.getByRole('button', { name: 'Create workload' }).click();
    const secret = await page.getByLabel('Workload secret').textContent();
    expect(secret).toMatch(/^\S{20,}$/);
    workloadSecret = secret!;
    await page.getByText(`AWS_CONTAINER_AUTHORIZATION_TOKEN=${secret}`).waitFor();
    await page.getByText('credential_process = npx rolebridge credential-process').waitFor();
    await page.getByText('npx rolebridge agent --token-file').waitFor();
    // Two token configs and none named `default`: the list cannot say which subject the workload's tokens carry.
    await page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'etl', exact: true }) }).getByRole('cell', { name: 'enabled' }).waitFor();
    await expectAccessible('workloads (secret shown once)');
    await screenshot(page, 'workloads');
    await page.getByRole('button', { name: 'I have stored the secret' }).click();
    expect(await page.getByText(secret!).count()).toBe(0);
  });

  it('previews the exact claims and size a workload\'s token would carry, following a draft as it is typed', async () => {
    await page.getByRole('link', { name: 'Token configs' }).click();
    const preview = page.getByRole('region', { name: 'Claims preview' });
    await preview.getByLabel('Token config to preview').selectOption('aws');
    const claims = preview.getByLabel('Token claims');
    await expect.poll(async () => JSON.parse((await claims.textContent()) ?? '{}') as Record<string, unknown>, SLOW).toMatchObject({ sub: SUBJECT, aud: 'sts.amazonaws.com', iss: issuer });
    const stored = JSON.parse((await claims.textContent())!) as Record<string, unknown>;
    for (const claim of ['iat', 'nbf', 'exp', 'jti']) expect(stored).not.toHaveProperty(claim);
    const size = Number(/^(\d+) bytes/.exec((await preview.getByLabel('Token size').textContent()) ?? '')?.[1]);
    expect(size).toBeGreaterThan(200);

    // A draft template: the hint says what is wrong while typing and nothing is asked; a good one is previewed.
    await preview.getByLabel('Draft subject template').fill('app:{deploy}');
    await preview.getByText('Unknown placeholder {deploy}').waitFor();
    await preview.getByLabel('Draft subject template').fill('app:{deployment}/{component}@{workload}');
    await preview.getByText('Previewing a draft: nothing is saved.').waitFor();
    await expect.poll(async () => (JSON.parse((await claims.textContent()) ?? '{}') as { sub?: string }).sub, SLOW).toMatch(/^app:prod\/etl@wl_/);
    await preview.getByLabel('Draft claims (JSON)').fill('{"plan": "enterprise"');
    await preview.getByText('Claims are not valid JSON yet.').waitFor();
    await preview.getByLabel('Draft claims (JSON)').fill('{"plan": "enterprise"}');
    await preview.getByLabel('Draft session tags').fill('team*=data');
    await expect.poll(async () => JSON.parse((await claims.textContent()) ?? '{}') as Record<string, unknown>, SLOW).toMatchObject({
      plan: 'enterprise',
      'https://aws.amazon.com/tags': { principal_tags: { team: ['data'] }, transitive_tag_keys: ['team'] },
    });
    await expect.poll(async () => Number(/^(\d+) bytes/.exec((await preview.getByLabel('Token size').textContent()) ?? '')?.[1]), SLOW).toBeGreaterThan(size);
    await expectAccessible('claims preview');
    await screenshot(page, 'claims-preview');

    // A draft only the server can judge: its refusal, code and message, in place.
    watch.expect('POST', '/api/v1/tenants/acme/token-configs/aws/preview', 400);
    await preview.getByLabel('Draft claims (JSON)').fill('{"sub": "me"}');
    await preview.getByRole('alert').filter({ hasText: 'reserved_claim' }).waitFor();
    // The stored config is untouched.
    const listed = await world.admin<{ tokenConfigs: Array<{ name: string; subjectTemplate: string; claims: object }> }>('GET', '/api/v1/tenants/acme/token-configs');
    expect(listed.tokenConfigs.find((config) => config.name === 'aws')).toMatchObject({ subjectTemplate: 'tenant:{tenant}:deployment:{deployment}:component:{component}', claims: {} });
  });

  it('refuses a connection whose trust is wrong with the diagnosis in place, then saves it once the trust is fixed', async () => {
    const roleArn = await world.createRole(issuer, 'acme-etl', WRONG_SUBJECT);
    await page.getByRole('link', { name: 'Connections' }).click();
    await page.getByText('No connections yet').waitFor();
    await page.getByRole('button', { name: 'Add connection' }).click();
    await page.getByRole('textbox', { name: 'Connection name' }).fill('etl');
    await page.getByRole('textbox', { name: 'Role ARN' }).fill(roleArn);
    watch.expect('POST', '/api/v1/tenants/acme/connections', 422);
    await page.getByRole('button', { name: 'Save connection' }).click();
    const diagnosis = page.getByRole('region', { name: 'Diagnosis' });
    await diagnosis.waitFor();
    const text = (await diagnosis.textContent()) ?? '';
    expect(text).toMatch(/trust_|sub/);
    expect(text).toContain('AccessDenied');
    // Pasting the role's trust policy as it is now shows the corrected statement as a diff against it.
    await diagnosis.getByLabel(/trust policy now/).fill(JSON.stringify(JSON.parse(trustPolicy(issuer, WRONG_SUBJECT)), null, 2));
    const diff = diagnosis.getByLabel('Difference between the current and the corrected statement');
    expect(await diff.locator('.diff-removed').textContent()).toContain(WRONG_SUBJECT);
    expect(await diff.locator('.diff-added').textContent()).toContain(SUBJECT);
    await diagnosis.getByRole('button', { name: 'Copy corrected statement' }).waitFor();
    await expectAccessible('add connection (diagnosis)');
    await screenshot(page, 'connection-diagnosis');

    await world.setTrustedSubject(issuer, 'acme-etl', SUBJECT);
    await page.getByRole('button', { name: 'Save connection' }).click();
    await page.getByRole('heading', { name: 'Connection etl' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/tenants/acme/connections/etl');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('heading', { name: /Test result: ok/ }).waitFor();
    const steps = page.getByRole('list', { name: 'Steps' });
    expect(await steps.textContent()).toMatch(/assume_role_with_web_identity/);
    expect(await steps.textContent()).toMatch(/\d+ ms/);
    await page.getByRole('table', { name: 'Negative probes' }).getByRole('cell', { name: 'sibling_component' }).waitFor();
    await page.getByRole('table', { name: /Every test of this connection/ }).getByRole('cell', { name: 'manual' }).waitFor();
    await expectAccessible('connection test');
    await screenshot(page, 'connection-test');
  });

  it('rotates keys: rotation_not_ready with its wait first, then the next key signs', async () => {
    await page.getByRole('link', { name: 'Issuer and keys' }).click();
    await page.getByRole('heading', { name: 'Signing keys' }).waitFor();
    watch.expect('POST', '/api/v1/tenants/acme/keys/rotate', 409);
    await page.getByRole('button', { name: 'Rotate keys' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'rotation_not_ready' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/Wait \d+m/);
    world.advance(301_000);
    await page.getByRole('button', { name: 'Rotate keys' }).click();
    await page.getByText(/^Rotated: /).waitFor();
    await page.getByRole('cell', { name: 'retired' }).first().waitFor();
    await expectAccessible('keys after rotation');
    await screenshot(page, 'tenant-keys');
  });

  it('revokes a key only after a confirmation that says what breaks, with the focus on Cancel', async () => {
    const retired = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'retired', exact: true }) }).first();
    const kid = (await retired.getByRole('cell').first().textContent())!.trim();
    await retired.getByRole('button', { name: `Revoke ${kid}` }).click();
    const confirmation = page.getByRole('alertdialog', { name: `Revoke key ${kid}?` });
    expect(await confirmation.textContent()).toContain('stops verifying at AWS');
    expect(await page.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''")).toBe('Cancel');
    await expectAccessible('revoke confirmation');
    await page.keyboard.press('Enter'); // Enter on the focused Cancel: nothing is revoked
    await confirmation.waitFor({ state: 'detached' });
    await retired.getByRole('button', { name: `Revoke ${kid}` }).click();
    await confirmation.getByRole('button', { name: 'Revoke now' }).click();
    await page.getByRole('row').filter({ hasText: kid }).getByRole('cell', { name: 'revoked', exact: true }).waitFor();
    const jwks = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((key) => key.kid)).not.toContain(kid);
  });

  it('runs "Test connection" from the tenant page a tenant link opens', async () => {
    await page.getByRole('link', { name: 'Tenants', exact: true }).first().click();
    await page.getByRole('link', { name: 'acme', exact: true }).click();
    await page.getByRole('button', { name: 'Rotate keys' }).waitFor();
    await page.getByRole('button', { name: 'Add connection' }).waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('heading', { name: /Test result: ok/ }).waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/tenants/acme/connections/etl');
    await page.getByRole('link', { name: 'Issuer and keys' }).click();
    await page.getByRole('heading', { name: 'Signing keys' }).waitFor();
  });

  it('reaches "Rotate keys" by keyboard with a visible focus ring', async () => {
    await page.locator('body').focus();
    let label = '';
    for (let presses = 0; presses < 80 && label !== 'Rotate keys'; presses++) {
      await page.keyboard.press('Tab');
      label = await page.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''");
    }
    expect(label).toBe('Rotate keys');
    // Page-side expressions are strings: the tests' TypeScript knows Node, not the DOM.
    const outline = await page.evaluate<{ style: string; width: string }>(
      '(() => { const style = getComputedStyle(document.activeElement); return { style: style.outlineStyle, width: style.outlineWidth }; })()',
    );
    expect(outline.style).not.toBe('none');
    expect(outline.width).not.toBe('0px');
  });

  it('reads the audit log, filtered, with the token events\' jti and session name', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    const table = page.getByRole('table', { name: /Audit events/ });
    await table.waitFor();
    for (const action of ['tenant.created', 'token_config.created', 'workload.created', 'connection.verification_failed', 'connection.tested']) {
      await table.getByRole('cell', { name: action, exact: true }).first().waitFor();
    }
    await table.getByRole('cell', { name: 'connection.created', exact: true }).waitFor();

    // The workload gets credentials as any AWS SDK would; the audit row then names the jti and the session name
    // exactly as the emulator's CloudTrail records them.
    const credentials = await fetch(`${world.url}/api/v1/credentials/etl`, { headers: { authorization: `Bearer ${workloadSecret}` } });
    expect(credentials.status).toBe(200);
    const events = (await (await fetch(`${world.emulator.url}/_emulator/events`)).json()) as Array<{
      eventName: string;
      requestParameters: { roleSessionName?: string };
    }>;
    const sessionName = events.filter((event) => event.eventName === 'AssumeRoleWithWebIdentity').at(-1)!.requestParameters.roleSessionName!;
    await page.getByLabel('Action').fill('credentials.exchanged');
    await page.getByRole('button', { name: 'Filter' }).click();
    const exchanged = table.getByRole('row').filter({ hasText: 'credentials.exchanged' }).first();
    await exchanged.waitFor();
    expect(await exchanged.textContent()).toContain(`session ${sessionName}`);
    expect(await exchanged.textContent()).toMatch(/jti \S+/);
    await expectAccessible('audit log');
    await screenshot(page, 'audit-log');
    await page.getByLabel('Action').fill('connection.created');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(async () => table.getByRole('row').count()).toBe(2); // header + the one event
    await page.getByLabel('Action').fill('no.such.action');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No audit events match these filters').waitFor();
  });

  it('shows Database auth on a connection only while the server has it on, with its engines and a "Get token" check', async () => {
    // After the audit-log step: a check here warms the broker's cache, and that step counts a fresh exchange.
    const dbAuthAnswer = page.waitForResponse((response) => new URL(response.url()).pathname.endsWith('/connections/etl/db-auth'));
    await page.goto(`${world.url}/tenants/acme/connections/etl`);
    expect(await (await dbAuthAnswer).json()).toMatchObject({ enabled: false });
    await page.getByRole('heading', { name: 'Test history' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Database auth' }).count()).toBe(0);

    world.server.deps.config.features.awsDatabaseIamAuth = true; // ROLEBRIDGE_FEATURE_AWS_DATABASE_IAM_AUTH, read per request
    try {
      await page.reload();
      const panel = page.getByRole('region', { name: 'Database auth' });
      await panel.waitFor();
      const engines = panel.getByRole('table', { name: 'Engines and the fields they take' });
      expect(await engines.getByRole('row').filter({ has: page.getByRole('cell', { name: 'redshift-serverless', exact: true }) }).textContent()).toContain('workgroupName');
      await expect.poll(() => panel.getByRole('button', { name: 'Get token' }).isDisabled(), SLOW).toBe(true);
      await panel.getByLabel('Database host').fill('db.example.com');
      await panel.getByLabel('Database user').fill('app');
      await panel.getByRole('button', { name: 'Get token' }).click();
      const answer = panel.getByRole('status', { name: 'Database token check' });
      await answer.waitFor();
      expect(await answer.textContent()).toMatch(/postgres: user app, a \d+-character password valid until .* for db\.example\.com:5432/);
      expect(await panel.getByLabel('db-token command').textContent()).toBe('rolebridge db-token --connection etl --engine postgres --host db.example.com --db-user app');
      await expectAccessible('database auth');
      await screenshot(page, 'database-auth');

      // What only the server checks, refused in place with its code and the field named.
      await panel.getByLabel('Database host').fill('https://db.example.com');
      watch.expect('POST', '/api/v1/tenants/acme/connections/etl/db-auth-check', 400);
      await panel.getByRole('button', { name: 'Get token' }).click();
      const refusal = panel.getByRole('alert').filter({ hasText: 'invalid_db_auth_request' });
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain('host: must be a host name');
    } finally {
      world.server.deps.config.features.awsDatabaseIamAuth = false;
    }
  });

  it('renders the trust policy for a scope in every format, and set-up codes with their command', async () => {
    await page.getByRole('link', { name: 'Trust policy' }).click();
    const panel = page.getByRole('tabpanel');
    await panel.getByText('sts:AssumeRoleWithWebIdentity').first().waitFor();
    expect(await panel.textContent()).toContain(SUBJECT);
    await page.getByRole('tab', { name: 'Terraform' }).click();
    await panel.getByText('aws_iam_role').first().waitFor();
    await page.getByRole('tab', { name: 'Terraform' }).press('ArrowRight');
    await panel.getByText(/AWSTemplateFormatVersion|AWS::IAM::Role/).first().waitFor();
    await page.getByRole('radio', { name: 'The whole tenant' }).check();
    await page.getByRole('tab', { name: 'JSON' }).click();
    await panel.getByText('tenant:acme:*').first().waitFor();
    // A component across deployments: `scope=component:etl` (any-subset scopes) is every deployment's etl. (The
    // 400 allowed below is the picker's state before a component is typed.)
    await page.getByRole('radio', { name: 'A component across deployments' }).check();
    watch.expect('GET', '/api/v1/tenants/acme/trust-policy', 400);
    const asked = page.waitForResponse((response) => new URL(response.url()).searchParams.get('scope') === 'component:etl');
    await page.getByLabel('Component', { exact: true }).fill('etl');
    expect((await asked).status()).toBe(200);
    await panel.getByText('tenant:acme:deployment:*:component:etl').first().waitFor();
    await page.getByText('Scope sent: component:etl').waitFor();
    await expectAccessible('trust policy');

    await page.getByRole('link', { name: 'Set-up codes' }).click();
    await page.getByRole('button', { name: 'Create set-up code' }).click();
    const command = await page.getByLabel('Set-up command').textContent();
    // Download the set-up CLI this server serves, check its SHA-256, run it (or, unbuilt, the bare command).
    expect(command).toMatch(/setup aws .*--tenant acme/);
    await expectAccessible('set-up codes');
  });

  it('simulates and lints a trust policy in the playground', async () => {
    await page.getByRole('link', { name: 'Policy playground' }).click();
    await page.getByRole('button', { name: 'Simulate' }).click();
    await page.getByRole('heading', { name: /Decision: Allowed/ }).waitFor();
    await page.getByLabel('Token (JWT) or claims (JSON)').fill(JSON.stringify({ iss: 'http://127.0.0.1:8080/t/acme', aud: 'sts.amazonaws.com', sub: 'someone-else' }));
    await page.getByRole('button', { name: 'Simulate' }).click();
    await page.getByRole('heading', { name: /Decision: ImplicitlyDenied/ }).waitFor();
    await page.getByRole('button', { name: 'Lint' }).click();
    await page.getByRole('heading', { name: 'Lint findings' }).waitFor();
    await expectAccessible('policy playground');
  });

  it('disables a workload after a confirmation that says what breaks; its secret stops working', async () => {
    await page.getByRole('link', { name: 'Tenants', exact: true }).first().click();
    await page.getByRole('link', { name: 'acme', exact: true }).click();
    await page.getByRole('link', { name: 'Workloads' }).click();
    await page.getByRole('button', { name: /^Disable wl_/ }).click();
    const confirmation = page.getByRole('alertdialog');
    expect(await confirmation.textContent()).toContain('secret stops working');
    await expectAccessible('disable workload confirmation');
    await confirmation.getByRole('button', { name: 'Disable now' }).click();
    await page.getByText(/^disabled /).waitFor();
    const credentials = await fetch(`${world.url}/api/v1/credentials/etl`, { headers: { authorization: `Bearer ${workloadSecret}` } });
    expect(credentials.status).toBe(401);
  });

  it('shows the API\'s error code and message for a tenant that does not exist, and no stack', async () => {
    watch.expect('GET', '/api/v1/tenants/nope', 404);
    await page.goto(`${world.url}/tenants/nope`);
    const error = page.getByRole('alert').filter({ hasText: 'tenant_not_found' });
    await error.waitFor();
    expect(await error.textContent()).not.toMatch(/\bat \w+ \(|\.ts:\d+/);
    await expectAccessible('tenant not found');
  });

  it('gives a viewer key read-only screens where the server says the role (/api/v1/me), else shows the API\'s 403', async () => {
    const viewer = await world.admin<{ token: string }>('POST', '/api/v1/api-keys', { name: 'auditor', role: 'viewer' });
    const paths = ((await (await fetch(`${world.url}/openapi.json`)).json()) as { paths: Record<string, unknown> }).paths;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(viewer.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'acme', exact: true }).click();
    await page.getByRole('heading', { name: 'Signing keys' }).waitFor();
    if ('/api/v1/me' in paths) {
      await page.getByText('rotating needs operator').waitFor();
      expect(await page.getByRole('button', { name: 'Rotate keys' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Revoke / }).count()).toBe(0);
      await page.getByRole('link', { name: 'Connections' }).click();
      await page.getByText('may read connections but not change them').waitFor();
      expect(await page.getByRole('button', { name: 'Add connection' }).count()).toBe(0);
      await expectAccessible('connections (viewer)');
    } else {
      watch.expect('POST', '/api/v1/tenants/acme/keys/rotate', 403);
      await page.getByRole('button', { name: 'Rotate keys' }).click();
      const refusal = page.getByRole('alert').filter({ hasText: 'Not allowed for your role' });
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain('forbidden');
    }
  });

  it('saw no console error, page error or failed request', () => {
    expect(watch.problems).toEqual([]);
  });
});
