/** The bench's goal directions and its regression check against bench/results.json. */
import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../../bench/bench_result.js';
import { compareWithRecorded, meetsGoal, recordResults, type RecordedResults } from '../../bench/compare_results.js';

const throughput: BenchResult = { name: 'jwks', value: 30_000, unit: 'req/s', baseline: { name: 'nginx', value: 50_000 }, ratio: 0.6, goal: 0.6 };
const wallTime: BenchResult = { name: 'cli', value: 0.2, unit: 's', baseline: { name: 'node -e 0', value: 0.1 }, ratio: 2, goal: 3, better: 'lower' };
const recorded: RecordedResults = {
  recordedAt: '2026-12-03T00:00:00.000Z',
  machine: 'test',
  results: [
    { name: 'jwks', value: 30_000, unit: 'req/s', ratio: 0.6 },
    { name: 'cli', value: 0.2, unit: 's', ratio: 2, better: 'lower' },
    { name: 'calls', value: 1, unit: 'calls', better: 'lower' },
    { name: 'failures', value: 0, unit: 'callers', better: 'lower' },
  ],
};

describe('goals', () => {
  it('a higher-is-better goal is a floor, a lower-is-better goal a ceiling', () => {
    expect(meetsGoal(throughput)).toBe(true);
    expect(meetsGoal({ ...throughput, ratio: 0.59 })).toBe(false);
    expect(meetsGoal(wallTime)).toBe(true);
    expect(meetsGoal({ ...wallTime, ratio: 3.1 })).toBe(false);
    expect(meetsGoal({ name: 'x', value: 1, unit: 'calls' })).toBeUndefined();
  });

  it('a figure without a baseline is judged by its value', () => {
    expect(meetsGoal({ name: 'calls', value: 1, unit: 'calls', goal: 1, better: 'lower' })).toBe(true);
    expect(meetsGoal({ name: 'calls', value: 2, unit: 'calls', goal: 1, better: 'lower' })).toBe(false);
  });
});

describe('the regression check', () => {
  const judge = (results: BenchResult[]) => compareWithRecorded(results, recorded, 0.15);

  it('flags a throughput ratio more than the tolerance lower, not one within it', () => {
    expect(judge([{ ...throughput, ratio: 0.5 }])[0]).toMatchObject({ regressed: true, recorded: 0.6, measured: 0.5 });
    expect(judge([{ ...throughput, ratio: 0.53 }])[0]?.regressed).toBe(false);
    expect(judge([{ ...throughput, ratio: 0.9 }])[0]?.regressed).toBe(false);
  });

  it('flags a wall-time ratio more than the tolerance higher, not a lower one', () => {
    expect(judge([{ ...wallTime, ratio: 2.4 }])[0]?.regressed).toBe(true);
    expect(judge([{ ...wallTime, ratio: 2.2 }])[0]?.regressed).toBe(false);
    expect(judge([{ ...wallTime, ratio: 1 }])[0]?.regressed).toBe(false);
  });

  it('compares values when there is no ratio, and any increase over a recorded zero', () => {
    expect(judge([{ name: 'calls', value: 2, unit: 'calls', better: 'lower' }])[0]?.regressed).toBe(true);
    expect(judge([{ name: 'failures', value: 0, unit: 'callers', better: 'lower' }])[0]?.regressed).toBe(false);
    expect(judge([{ name: 'failures', value: 1, unit: 'callers', better: 'lower' }])[0]?.regressed).toBe(true);
  });

  it('skips figures that were never recorded', () => {
    expect(judge([{ name: 'new figure', value: 1, unit: 'x' }])).toEqual([]);
  });

  it('recording keeps figures of benchmarks not run this time and replaces the others', () => {
    const next = recordResults([{ ...throughput, ratio: 0.7, value: 35_000 }], recorded, 'here', new Date('2026-12-04T00:00:00Z'));
    expect(next.recordedAt).toBe('2026-12-04T00:00:00.000Z');
    expect(next.results).toHaveLength(4);
    expect(next.results.find((figure) => figure.name === 'jwks')).toEqual({ name: 'jwks', value: 35_000, unit: 'req/s', ratio: 0.7 });
    expect(next.results.find((figure) => figure.name === 'cli')).toEqual(recorded.results[1]);
  });
});
