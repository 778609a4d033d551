// Prints `N passed, N failed` from Vitest's JUnit report. When the run stopped before Vitest
// (build, typecheck or lint failed), that stage counts as one failure.
import { existsSync, readFileSync } from 'node:fs';

const [reportPath, statusText] = process.argv.slice(2);
const status = Number(statusText ?? '0');
if (!reportPath || !existsSync(reportPath)) {
  console.log(`0 passed, ${status === 0 ? 0 : 1} failed`);
  process.exit(0);
}
const xml = readFileSync(reportPath, 'utf8');
const suites = /<testsuites\b([^>]*)>/.exec(xml)?.[1] ?? '';
const attribute = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suites)?.[1] ?? 0);
const tests = attribute('tests');
const failed = attribute('failures') + attribute('errors');
const skipped = attribute('skipped');
const passed = tests - failed - skipped;
// A failing exit with no failing test (e.g. an unhandled error between tests) still counts as a failure.
const reportedFailed = status !== 0 && failed === 0 ? 1 : failed;
console.log(`${passed} passed, ${reportedFailed} failed${skipped ? `, ${skipped} skipped` : ''}`);
