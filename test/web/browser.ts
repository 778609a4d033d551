import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.ROLEBRIDGE_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots of the main screens, written by every run (gitignored); docs/ holds two committed ones. */
export const ARTIFACTS = join(import.meta.dirname, '..', '..', '.artifacts', 'console');

/** Debian's chromium, headless, quiet (no network of its own), with a fresh profile each time. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install chromium (.ci/run installs it).`);
  const profile = mkdtempSync(join(tmpdir(), 'rolebridge-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface PageWatch {
  /** Console errors, page errors, failed requests and unexpected HTTP errors seen so far. */
  problems: string[];
  /** The next response to `method path-prefix` with this status is expected (a refusal the test provokes). */
  expect(method: string, pathPrefix: string, status: number): void;
}

/**
 * Fails on anything going wrong in the page: console errors, uncaught exceptions, failed requests, HTTP errors.
 * A refusal the test itself provokes is declared first with `expect` (and Chromium's matching "Failed to load
 * resource" console line is then expected too); the optional identity routes may answer 404 on a server without them,
 * and /api/v1/me answers 401 before sign-in.
 */
export function watchPage(page: Page): PageWatch {
  const problems: string[] = [];
  const expected: Array<{ method: string; pathPrefix: string; status: number }> = [];
  let expectedConsoleLines = 0;
  const OPTIONAL = ['/api/v1/me', '/auth/config'];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A fetch the page abandons when the person moves on (net::ERR_ABORTED) is the browser's doing, not a failure.
    if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`);
  });
  page.on('response', (response) => {
    if (response.status() < 400) return;
    const { pathname } = new URL(response.url());
    const method = response.request().method();
    const index = expected.findIndex((entry) => entry.method === method && pathname.startsWith(entry.pathPrefix) && entry.status === response.status());
    if (index >= 0) {
      expected.splice(index, 1);
      expectedConsoleLines++;
    } else if ((response.status() === 404 && OPTIONAL.includes(pathname)) || (response.status() === 401 && pathname === '/api/v1/me')) {
      // 404: a server without operator sign-in; 401 on /me: how the console learns nobody is signed in yet.
      expectedConsoleLines++;
    } else {
      problems.push(`HTTP ${response.status()}: ${method} ${pathname}`);
    }
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (message.text().startsWith('Failed to load resource') && expectedConsoleLines > 0) {
      expectedConsoleLines--;
      return;
    }
    problems.push(`console error: ${message.text()}`);
  });
  return { problems, expect: (method, pathPrefix, status) => expected.push({ method, pathPrefix, status }) };
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * axe-core run in the page: serious and critical violations. Its source is evaluated through the DevTools
 * protocol (an added <script> would be refused by the console's CSP, which stays on during the tests).
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate<boolean>("'axe' in globalThis");
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate<{ violations: AxeViolation[] }>("axe.run(document, { resultTypes: ['violations'] })");
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.map((node) => ({ target: node.target })) }));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
