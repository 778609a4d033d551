/**
 * `npm run bench`: runs every bench/<name>.bench.ts (or only those named on the command line) and prints
 * each figure with its ratio to the baseline measured in the same run. Speed is reported, never asserted.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './bench_result.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)))
  .sort();

// The HTTP benchmarks load the server from a separate process (wrk) and compare JWKS serving with nginx.
const needsLoadTools = files.some((file) => file.startsWith('broker') || file.startsWith('issuer'));
const missing = (needsLoadTools ? ['wrk', 'nginx'] : []).filter((tool) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
});
if (missing.length > 0) {
  process.stderr.write(`npm run bench needs ${missing.join(' and ')} (Debian: apt-get install -y wrk nginx-light).\n`);
  process.exit(2);
}

function format(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(3);
}

const all: BenchResult[] = [];
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  const module = (await import(new URL(file, import.meta.url).href)) as { run: () => Promise<BenchResult[]> };
  for (const result of await module.run()) {
    all.push(result);
    let line = `${result.name}: ${format(result.value)} ${result.unit}`;
    if (result.baseline) line += ` | baseline ${result.baseline.name}: ${format(result.baseline.value)} ${result.unit}`;
    if (result.ratio !== undefined) line += ` | ratio ${result.ratio.toFixed(2)}`;
    if (result.goal !== undefined) {
      const measured = result.ratio ?? result.value;
      line += ` (goal ≥ ${result.goal}: ${measured >= result.goal ? 'met' : 'NOT met'})`;
    }
    if (result.note) line += ` — ${result.note}`;
    process.stdout.write(`${line}\n`);
  }
}
process.stdout.write(`\n${JSON.stringify({ results: all })}\n`);
