import { describe, expect, it } from 'vitest';
import { lintPolicy, type LintFinding, type LintOptions } from '../../src/policy/index.js';
import { loadFixtureSuites } from './fixture_suite.js';

interface LintCase {
  name: string;
  policy: object | string;
  options?: LintOptions;
  expected: { includes?: Array<Partial<LintFinding>>; excludes?: string[]; noWarnings?: boolean };
}

const suites = loadFixtureSuites<LintCase>('lint');

describe('lint fixtures', () => {
  for (const suite of suites) {
    describe(suite.file, () => {
      for (const testCase of suite.cases) {
        it(testCase.name, () => {
          const findings = lintPolicy(testCase.policy, testCase.options ?? {});
          for (const wanted of testCase.expected.includes ?? []) {
            expect(findings).toContainEqual(expect.objectContaining(wanted));
          }
          for (const code of testCase.expected.excludes ?? []) {
            expect(findings.map((finding) => finding.code)).not.toContain(code);
          }
          if (testCase.expected.noWarnings) {
            expect(findings.filter((finding) => finding.severity !== 'info')).toEqual([]);
          }
          for (const finding of findings) expect(finding.message.length).toBeGreaterThan(20);
        });
      }
    });
  }

  it('every rule has a triggering and a non-triggering fixture', () => {
    const cases = suites.flatMap((suite) => suite.cases);
    const triggered = new Set(cases.flatMap((testCase) => (testCase.expected.includes ?? []).map((finding) => finding.code)));
    const cleared = new Set(cases.flatMap((testCase) => testCase.expected.excludes ?? []));
    const parseCodes = new Set(['duplicate_key', 'invalid_json', 'unknown_condition_operator', 'unknown_element']);
    for (const code of triggered) if (!parseCodes.has(code!)) expect(cleared, code).toContain(code);
  });
});
