/**
 * `npm run bench [--record] [--tolerance 0.15] [name…]`: runs every bench/<name>.bench.ts (or only those
 * whose file name starts with a given name) and prints each figure with its baseline measured in the same run,
 * its ratio, its goal with the goal's direction (≥ for throughput, ≤ for time, memory and call counts), and a
 * comparison with the figures recorded in bench/results.json. A figure worse than recorded by more than the
 * tolerance is flagged REGRESSION and the run exits 1 (after printing everything). `--record` writes this
 * run's figures to bench/results.json instead of judging them (figures of benchmarks not run are kept).
 * Goals not met are reported, not failed: on a shared machine they are what the next change works on.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { judgedFigure, type BenchResult } from './bench_result.js';
import { compareWithRecorded, meetsGoal, recordResults, type RecordedResults } from './compare_results.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const RESULTS = fileURLToPath(new URL('results.json', import.meta.url));
const DEFAULT_TOLERANCE = 0.15;

const { values: flags, positionals: wanted } = parseArgs({
  allowPositionals: true,
  options: { record: { type: 'boolean', default: false }, tolerance: { type: 'string', default: String(DEFAULT_TOLERANCE) } },
});
const tolerance = Number(flags.tolerance);
if (!Number.isFinite(tolerance) || tolerance < 0) {
  process.stderr.write(`--tolerance must be a fraction such as 0.15 (15 %), got '${flags.tolerance}'.\n`);
  process.exit(2);
}

const files = readdirSync(dir)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)))
  .sort();

// The HTTP benchmarks load the server from a separate process (wrk) and compare JWKS serving with nginx.
const needsLoadTools = files.some((file) => file.startsWith('broker') || file.startsWith('issuer') || file.startsWith('tenants'));
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

function goalText(result: BenchResult): string {
  const met = meetsGoal(result);
  if (met === undefined || result.goal === undefined) return '';
  return ` (goal ${result.better === 'lower' ? '≤' : '≥'} ${result.goal}: ${met ? 'met' : 'NOT met'})`;
}

const recorded = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as RecordedResults) : undefined;
const machine = `${cpus().length} cores, load average ${loadavg()
  .map((load) => load.toFixed(1))
  .join(' ')} at the start`;

const all: BenchResult[] = [];
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  const module = (await import(new URL(file, import.meta.url).href)) as { run: () => Promise<BenchResult[]> };
  for (const result of await module.run()) {
    all.push(result);
    let line = `${result.name}: ${format(result.value)} ${result.unit}`;
    if (result.baseline) line += ` | baseline ${result.baseline.name}: ${format(result.baseline.value)}`;
    if (result.ratio !== undefined) line += ` | ratio ${result.ratio.toFixed(2)}`;
    line += goalText(result);
    if (result.note) line += ` — ${result.note}`;
    process.stdout.write(`${line}\n`);
  }
}

let regressions = 0;
if (flags.record) {
  writeFileSync(RESULTS, `${JSON.stringify(recordResults(all, recorded, machine, new Date()), null, 2)}\n`);
  process.stdout.write(`\nRecorded ${all.length} figures in bench/results.json (${machine}).\n`);
} else if (recorded) {
  process.stdout.write(`\n== against bench/results.json (recorded ${recorded.recordedAt}; tolerance ${Math.round(tolerance * 100)} %)\n`);
  for (const comparison of compareWithRecorded(all, recorded, tolerance)) {
    const change = comparison.worseBy === 1 ? 'same' : comparison.worseBy > 1 ? `${Math.round((comparison.worseBy - 1) * 100)} % worse` : `${Math.round((1 - comparison.worseBy) * 100)} % better`;
    if (comparison.regressed) regressions += 1;
    process.stdout.write(`${comparison.regressed ? 'REGRESSION ' : ''}${comparison.name}: ${format(comparison.measured)} vs ${format(comparison.recorded)} recorded (${change})\n`);
  }
  const unrecorded = all.filter((result) => !recorded.results.some((figure) => figure.name === result.name));
  for (const result of unrecorded) process.stdout.write(`new (not recorded yet) ${result.name}: ${format(judgedFigure(result))}\n`);
} else {
  process.stdout.write('\nNo bench/results.json yet: run with --record to keep these figures for later comparison.\n');
}
process.stdout.write(`\n${JSON.stringify({ results: all })}\n`);
if (regressions > 0) {
  process.stderr.write(`${regressions} figure(s) worse than recorded by more than ${Math.round(tolerance * 100)} %.\n`);
  process.exitCode = 1;
}
