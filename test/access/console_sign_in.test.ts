import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserlessClient } from '../helpers/browserless_client.js';
import { startTestIdp, type TestIdp } from '../helpers/test_idp.js';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/test_server.js';

// The console's sign-in, end to end over HTTP: rolebridge → oidc-provider (authorization code + PKCE) → callback
// → a database session behind HttpOnly/SameSite=Lax cookies, CSRF double submit on changes, idle and absolute
// expiry, logout. A cookie-keeping client follows the redirects as a browser would.

const connection = (name: string) => ({ name, roleArn: 'arn:aws:iam::123456789012:role/reader', region: 'eu-west-1', tokenConfig: 'aws', verify: false });

describe('console sign-in with the IdP', () => {
  let idp: TestIdp;
  let server: TestServer;
  let clock = Date.now();
  const HOUR = 3_600_000;

  beforeAll(async () => {
    idp = await startTestIdp();
    idp.accounts.set('alice', { email: 'alice@example.com', roles: ['acme:admin'] });
    idp.accounts.set('nobody', { roles: ['user'] });
    server = await startTestServer({ env: idp.env(), driftWatchIntervalSeconds: 0, runtime: { now: () => clock } });
    for (const tenant of ['acme', 'globex']) {
      await fetch(`${server.url}/api/v1/tenants`, { method: 'POST', headers: { ...server.adminHeaders, 'content-type': 'application/json' }, body: JSON.stringify({ id: tenant, name: tenant }) });
      await fetch(`${server.url}/api/v1/tenants/${tenant}/token-configs`, {
        method: 'POST',
        headers: { ...server.adminHeaders, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'aws', subjectTemplate: 'app:{deployment}' }),
      });
    }
  });
  afterAll(async () => {
    await server?.close();
    await idp?.close();
  });

  /** Signs `account` in through the real flow; returns the browser and the callback's Set-Cookie lines. */
  async function signIn(account: string, returnTo = '/tenants/acme'): Promise<{ browser: BrowserlessClient; setCookies: string[]; landed: Response; callbackUrl: string }> {
    clock = Date.now();
    idp.nextAccount = account;
    const browser = new BrowserlessClient();
    const toCallback = await browser.follow(`${server.url}/auth/login?returnTo=${encodeURIComponent(returnTo)}`, { stopAt: `${server.url}/auth/callback` });
    expect(toCallback.hops.some((hop) => hop.startsWith(idp.issuer))).toBe(true);
    const landed = await browser.request(toCallback.url);
    return { browser, setCookies: landed.headers.getSetCookie(), landed, callbackUrl: toCallback.url };
  }

  const withCookies = (browser: BrowserlessClient, extra: Record<string, string> = {}) => ({
    cookie: [...browser.cookies(server.url)].map(([name, value]) => `${name}=${value}`).join('; '),
    ...extra,
  });

  it('says whether the console may offer IdP sign-in (public)', async () => {
    expect(await (await fetch(`${server.url}/auth/config`)).json()).toEqual({ idp: true, issuer: idp.issuer });
    const plain = await startTestServer({ driftWatchIntervalSeconds: 0 });
    try {
      expect(await (await fetch(`${plain.url}/auth/config`)).json()).toEqual({ idp: false });
      expect((await fetch(`${plain.url}/auth/login`, { redirect: 'manual' })).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('signs in with code + PKCE and lands on returnTo with an HttpOnly, SameSite=Lax session cookie (not Secure on loopback http)', async () => {
    const { browser, setCookies, landed } = await signIn('alice');
    expect(landed.status).toBe(303);
    expect(landed.headers.get('location')).toBe('/tenants/acme');
    const session = setCookies.find((line) => line.startsWith('rolebridge_session='));
    const csrf = setCookies.find((line) => line.startsWith('rolebridge_csrf='));
    expect(session).toMatch(/; HttpOnly/i);
    expect(session).toMatch(/; SameSite=Lax/i);
    expect(session).not.toMatch(/; Secure/i);
    expect(csrf).not.toMatch(/HttpOnly/i);
    expect(csrf).toMatch(/; SameSite=Lax/i);

    const me = await fetch(`${server.url}/api/v1/me`, { headers: withCookies(browser) });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ actor: { type: 'user', sub: 'alice', email: 'alice@example.com', issuer: idp.issuer }, roles: [{ role: 'admin', tenant: 'acme' }] });
  });

  it('asks every change made with the cookie for the CSRF token (double submit), and keeps roles per tenant', async () => {
    const { browser } = await signIn('alice');
    const csrf = browser.cookies(server.url).get('rolebridge_csrf') as string;
    const post = (tenant: string, headers: Record<string, string>, name: string) =>
      fetch(`${server.url}/api/v1/tenants/${tenant}/connections`, { method: 'POST', headers: withCookies(browser, { 'content-type': 'application/json', ...headers }), body: JSON.stringify(connection(name)) });

    const bare = await post('acme', {}, 'no-csrf');
    expect([bare.status, ((await bare.json()) as { error: { code: string } }).error.code]).toEqual([403, 'csrf_failed']);
    expect((await post('acme', { 'x-csrf-token': 'guessed-value' }, 'wrong-csrf')).status).toBe(403);
    expect((await post('acme', { 'x-csrf-token': csrf }, 'console-made')).status).toBe(201);
    expect((await post('globex', { 'x-csrf-token': csrf }, 'console-made')).status).toBe(403);
    // Reads need no CSRF token.
    expect((await fetch(`${server.url}/api/v1/tenants/acme/connections`, { headers: withCookies(browser) })).status).toBe(200);
  });

  it('accepts a callback once: a replayed or forged state is refused', async () => {
    const { callbackUrl } = await signIn('alice');
    const replay = await fetch(callbackUrl, { redirect: 'manual' });
    expect([replay.status, ((await replay.json()) as { error: { code: string } }).error.code]).toEqual([400, 'invalid_sign_in']);
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'made-up-state');
    expect((await fetch(forged, { redirect: 'manual' })).status).toBe(400);
  });

  it('refuses a returnTo that leaves the server', async () => {
    for (const returnTo of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const answer = await fetch(`${server.url}/auth/login?returnTo=${encodeURIComponent(returnTo)}`, { redirect: 'manual' });
      expect(answer.status, returnTo).toBe(400);
    }
  });

  it('gives no session to a user with no rolebridge role', async () => {
    const { setCookies, landed } = await signIn('nobody', '/');
    expect(landed.headers.get('location')).toBe('/?signin_error=no_role');
    expect(setCookies.filter((line) => line.startsWith('rolebridge_session='))).toEqual([]);
  });

  it('ends the session on logout (with CSRF), and the cookie no longer works', async () => {
    const { browser } = await signIn('alice');
    const cookieHeader = withCookies(browser);
    const csrf = browser.cookies(server.url).get('rolebridge_csrf') as string;
    expect((await fetch(`${server.url}/auth/logout`, { method: 'POST', headers: cookieHeader })).status).toBe(403);
    const out = await fetch(`${server.url}/auth/logout`, { method: 'POST', headers: { ...cookieHeader, 'x-csrf-token': csrf } });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().some((line) => line.startsWith('rolebridge_session=;'))).toBe(true);
    const after = await fetch(`${server.url}/api/v1/me`, { headers: cookieHeader });
    expect([after.status, ((await after.json()) as { error: { code: string } }).error.code]).toEqual([401, 'session_expired']);
  });

  it('expires an idle session, and any session after its absolute lifetime however busy', async () => {
    const idle = await signIn('alice');
    clock += 2 * HOUR + 1000;
    expect((await fetch(`${server.url}/api/v1/me`, { headers: withCookies(idle.browser) })).status).toBe(401);

    const busy = await signIn('alice');
    for (let hours = 1; hours < 12; hours++) {
      clock += HOUR;
      expect((await fetch(`${server.url}/api/v1/me`, { headers: withCookies(busy.browser) })).status, `after ${hours} h`).toBe(200);
    }
    clock += HOUR;
    expect((await fetch(`${server.url}/api/v1/me`, { headers: withCookies(busy.browser) })).status).toBe(401);
  });

  it('still takes an API key where there is no cookie', async () => {
    expect((await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).status).toBe(200);
  });
});
