/**
 * The console's first load: the JavaScript `index.html` pulls in before anything renders (its module scripts
 * and their modulepreloads), gzipped as a server would send it. Budget: 250 KB (issue 22). Reported as the
 * headroom ratio budget / measured (≥ 1 is within budget); builds the console first so the figure is current.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { BenchResult } from './bench_result.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'web', 'dist');
const BUDGET_KB = 250;

function firstLoadAssets(html: string, attribute: RegExp): string[] {
  return [...html.matchAll(attribute)].map((match) => match[1] as string).filter((src) => src.startsWith('/'));
}

export async function run(): Promise<BenchResult[]> {
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const scripts = [
    ...firstLoadAssets(html, /<script[^>]+src="([^"]+)"/g),
    ...firstLoadAssets(html, /<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ];
  const styles = firstLoadAssets(html, /<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g);
  const size = (files: string[], gzip: boolean): number =>
    files.reduce((total, file) => {
      const bytes = readFileSync(join(DIST, file));
      return total + (gzip ? gzipSync(bytes).length : bytes.length);
    }, 0) / 1024;
  const js = size(scripts, true);
  return [
    {
      name: 'console first-load JS, gzipped',
      value: js,
      unit: 'KB',
      baseline: { name: 'budget', value: BUDGET_KB },
      ratio: BUDGET_KB / js,
      goal: 1,
      note: `${scripts.length} script(s), ${size(scripts, false).toFixed(1)} KB before gzip; ratio = budget / measured`,
    },
    { name: 'console first-load CSS, gzipped', value: size(styles, true), unit: 'KB' },
  ];
}
