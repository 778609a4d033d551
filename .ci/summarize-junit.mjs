// Prints one line `N passed, N failed` from Vitest's JUnit reports, one `report status` pair per run (the suite on
// Node 20, then on Node 22), summed. When a run stopped before Vitest (build, typecheck or lint failed, or Node 22
// could not be set up), that run counts as one failure.
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
for (let at = 0; at < args.length; at += 2) {
  const reportPath = args[at];
  const status = Number(args[at + 1] ?? '0');
  if (!reportPath || !existsSync(reportPath)) {
    failed += status === 0 ? 0 : 1;
    continue;
  }
  const xml = readFileSync(reportPath, 'utf8');
  const suites = /<testsuites\b([^>]*)>/.exec(xml)?.[1] ?? '';
  const attribute = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suites)?.[1] ?? 0);
  const runFailed = attribute('failures') + attribute('errors');
  const runSkipped = attribute('skipped');
  passed += attribute('tests') - runFailed - runSkipped;
  skipped += runSkipped;
  // A failing exit with no failing test (e.g. an unhandled error between tests) still counts as a failure.
  failed += status !== 0 && runFailed === 0 ? 1 : runFailed;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
