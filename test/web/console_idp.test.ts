/**
 * The console's IdP sign-in in a real browser: chromium follows the authorization-code + PKCE flow through panva's
 * oidc-provider (test/helpers/test_idp.ts) and back, the console runs on the session cookie (CSRF header on changes),
 * shows each role what it may do and nothing it may not (no dead buttons), and signs out.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIdp, type TestIdp } from '../helpers/test_idp.js';
import { launchBrowser, screenshot, seriousViolations, watchPage, type PageWatch } from './browser.js';
import { startConsoleWorld, type ConsoleWorld } from './console_world.js';

const SUBJECT = 'tenant:acme:deployment:prod:component:etl';
/** Buttons that change something: a viewer sees none of them; an operator only test, rotate and set-up codes. */
const CHANGES = [/^Rotate keys$/, /^Revoke /, /^Add connection$/, /^Create token config$/, /^Create workload$/, /^Disable /, /^Create tenant$/];
const OPERATES = [/^Test connection$/, /^Rotate keys$/, /^Create set-up code$/];

describe('console sign-in with the identity provider, in chromium', { timeout: 90_000 }, () => {
  let idp: TestIdp;
  let world: ConsoleWorld;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let watch: PageWatch;

  beforeAll(async () => {
    idp = await startTestIdp();
    idp.accounts.set('vera', { email: 'vera@example.com', roles: ['acme:viewer'] });
    idp.accounts.set('otto', { email: 'otto@example.com', roles: ['acme:operator'] });
    idp.accounts.set('ada', { email: 'ada@example.com', roles: ['admin'] });
    world = await startConsoleWorld({ env: idp.env() });
    // The tenant, its token config, a workload and a verified connection, made with the admin key beforehand.
    await world.admin('POST', '/api/v1/tenants', { id: 'acme', name: 'Acme Corp' });
    await world.admin('POST', '/api/v1/tenants/acme/token-configs', { name: 'default', subjectTemplate: 'tenant:{tenant}:deployment:{deployment}:component:{component}' });
    await world.admin('POST', '/api/v1/tenants/acme/workloads', { deployment: 'prod', component: 'etl' });
    const issuer = `${world.url}/t/acme`;
    const roleArn = await world.createRole(issuer, 'acme-etl', SUBJECT);
    await world.admin('POST', '/api/v1/tenants/acme/connections', { name: 'etl', roleArn, region: 'us-east-1', tokenConfig: 'default', verify: true });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(45_000);
    watch = watchPage(page);
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
    await idp?.close();
  });

  async function expectAccessible(screen: string): Promise<void> {
    await page.getByRole('status').filter({ hasText: /^Loading/ }).first().waitFor({ state: 'detached' }).catch(() => undefined);
    expect(await seriousViolations(page), `axe on ${screen}`).toEqual([]);
  }

  /** Every visible button's name matching one of `patterns`. */
  async function buttonsMatching(patterns: RegExp[]): Promise<string[]> {
    const names = await page.getByRole('button').evaluateAll((buttons) => buttons.map((button) => (button.textContent ?? '').trim()));
    return names.filter((name) => patterns.some((pattern) => pattern.test(name)));
  }

  /** Through the real flow: the console's sign-in link → the IdP (signs `account` in) → /auth/callback → the console. */
  async function signIn(account: string, returnTo = '/tenants/acme'): Promise<void> {
    idp.nextAccount = account;
    await page.goto(`${world.url}${returnTo}`);
    await page.getByRole('link', { name: 'Sign in with your identity provider' }).click();
    await page.getByText('Signed in with your identity provider').waitFor();
    expect(new URL(page.url()).origin).toBe(world.url);
  }

  async function signOut(): Promise<void> {
    const session = (await browser.context.cookies(world.url)).find((cookie) => cookie.name === 'rolebridge_session');
    expect(session?.httpOnly).toBe(true);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // The server ended the session: the old cookie no longer works.
    expect((await fetch(`${world.url}/api/v1/me`, { headers: { cookie: `rolebridge_session=${session!.value}` } })).status).toBe(401);
    // And the person leaves the IdP too, so the next sign-in asks it again (its session cookie lives on the same host).
    await browser.context.clearCookies();
  }

  it('signs a viewer in through the IdP and shows every screen read-only, with no dead buttons', async () => {
    await signIn('vera');
    expect(new URL(page.url()).pathname).toBe('/tenants/acme');
    await page.getByText('Your role here: viewer').waitFor();
    await page.getByRole('heading', { name: 'Signing keys' }).waitFor();
    await page.getByText('rotating needs operator').waitFor();
    await page.getByRole('link', { name: 'etl', exact: true }).waitFor();
    expect(await buttonsMatching([...CHANGES, ...OPERATES])).toEqual([]);
    expect(await page.evaluate("sessionStorage.getItem('rolebridge.apiKey')")).toBeNull();
    await expectAccessible('tenant (viewer)');
    await screenshot(page, 'idp-viewer');

    for (const [section, readOnly] of [
      ['Token configs', 'may read token configs but not change them'],
      ['Workloads', 'may read workloads but not change them'],
      ['Connections', 'may read connections but not change them'],
      ['Set-up codes', 'Creating set-up codes needs operator'],
    ] as const) {
      await page.getByRole('navigation', { name: 'Tenant' }).getByRole('link', { name: section }).click();
      await page.getByText(readOnly).waitFor();
      expect(await buttonsMatching([...CHANGES, ...OPERATES]), section).toEqual([]);
      await expectAccessible(`${section} (viewer)`);
    }
    // Reading is allowed: the claims preview answers a viewer.
    await page.getByRole('navigation', { name: 'Tenant' }).getByRole('link', { name: 'Token configs' }).click();
    await page.getByRole('region', { name: 'Claims preview' }).getByLabel('Token claims').getByText(SUBJECT).waitFor();
    await page.goto(`${world.url}/tenants/acme/connections/etl`);
    await page.getByText('testing needs operator').waitFor();
    expect(await buttonsMatching([...CHANGES, ...OPERATES])).toEqual([]);
    await signOut();
  });

  it('lets an operator test a connection and rotate keys over the session cookie, and nothing an admin does', async () => {
    await signIn('otto', '/tenants/acme/connections/etl');
    expect(new URL(page.url()).pathname).toBe('/tenants/acme/connections/etl');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('heading', { name: /Test result: ok/ }).waitFor();
    expect(await buttonsMatching(CHANGES)).toEqual([]);
    await page.getByRole('link', { name: 'Issuer and keys' }).click();
    await page.getByText('Your role here: operator').waitFor();
    // A change over the cookie carries the CSRF header; the server's answer (too soon to rotate) is the API's own.
    watch.expect('POST', '/api/v1/tenants/acme/keys/rotate', 409);
    await page.getByRole('button', { name: 'Rotate keys' }).click();
    await page.getByRole('alert').filter({ hasText: 'rotation_not_ready' }).waitFor();
    world.advance(301_000);
    await page.getByRole('button', { name: 'Rotate keys' }).click();
    await page.getByText(/^Rotated: /).waitFor();
    expect(await buttonsMatching(CHANGES.filter((pattern) => pattern.source !== '^Rotate keys$'))).toEqual([]);
    await expectAccessible('keys (operator)');
    const audit = await world.admin<{ events: Array<{ action: string; actor: unknown }> }>('GET', '/api/v1/tenants/acme/audit?action=signing_key.rotated');
    expect(JSON.stringify(audit.events.map((event) => event.actor))).toContain('otto');
    await signOut();
  });

  it('lets an admin change things: add a connection, create a token config, revoke a key', async () => {
    await signIn('ada');
    await page.getByText('Your role here: admin').waitFor();
    await page.getByRole('button', { name: 'Add connection' }).waitFor();
    expect((await buttonsMatching([/^Revoke /])).length).toBeGreaterThan(0);
    await page.getByRole('navigation', { name: 'Tenant' }).getByRole('link', { name: 'Token configs' }).click();
    await page.getByLabel('Token config name').fill('by-ada');
    await page.getByRole('button', { name: 'Create token config' }).click();
    await page.getByRole('cell', { name: 'by-ada', exact: true }).waitFor();
    await expectAccessible('token configs (admin)');
    await signOut();
  });

  it('saw no console error, page error or failed request', () => {
    expect(watch.problems).toEqual([]);
  });
});
