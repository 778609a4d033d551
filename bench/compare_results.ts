import { judgedFigure, type BenchResult } from './bench_result.js';

/** What `bench/results.json` keeps of a figure: enough to judge a later run against it. */
export interface RecordedFigure {
  name: string;
  value: number;
  unit: string;
  ratio?: number;
  better?: 'higher' | 'lower';
}

export interface RecordedResults {
  recordedAt: string;
  /** Free text: the machine and its load when recorded (ratios travel between machines, raw values less so). */
  machine: string;
  results: RecordedFigure[];
}

export interface Comparison {
  name: string;
  recorded: number;
  measured: number;
  /** measured ÷ recorded, turned so that > 1 is always worse (e.g. 1.2 = 20 % worse). */
  worseBy: number;
  regressed: boolean;
}

/** Whether `result` meets its goal in the goal's direction (undefined when it has none). */
export function meetsGoal(result: BenchResult): boolean | undefined {
  if (result.goal === undefined) return undefined;
  const measured = judgedFigure(result);
  return result.better === 'lower' ? measured <= result.goal : measured >= result.goal;
}

/**
 * Each measured figure against the one recorded under the same name (figures new since the recording are
 * skipped). A figure regresses when it is worse than recorded by more than `tolerance` (0.15 = 15 %), in its
 * own direction: a throughput ratio 15 % lower, a wall-time ratio 15 % higher. A recorded zero is compared
 * by difference: any increase of a lower-is-better zero (e.g. failed callers) is a regression.
 */
export function compareWithRecorded(measured: readonly BenchResult[], recorded: RecordedResults, tolerance: number): Comparison[] {
  const byName = new Map(recorded.results.map((figure) => [figure.name, figure]));
  const comparisons: Comparison[] = [];
  for (const result of measured) {
    const before = byName.get(result.name);
    if (!before) continue;
    const was = judgedFigure(before);
    const now = judgedFigure(result);
    const lowerIsBetter = result.better === 'lower';
    let worseBy: number;
    if (was === 0) worseBy = now === 0 ? 1 : lowerIsBetter ? Number.POSITIVE_INFINITY : 1;
    else if (now === 0) worseBy = lowerIsBetter ? 0 : Number.POSITIVE_INFINITY;
    else worseBy = lowerIsBetter ? now / was : was / now;
    comparisons.push({ name: result.name, recorded: was, measured: now, worseBy, regressed: worseBy > 1 + tolerance });
  }
  return comparisons;
}

/** The record of this run, keeping earlier figures of benchmarks this run did not measure. */
export function recordResults(measured: readonly BenchResult[], previous: RecordedResults | undefined, machine: string, now: Date): RecordedResults {
  const fresh = new Map<string, RecordedFigure>();
  for (const figure of previous?.results ?? []) fresh.set(figure.name, figure);
  for (const result of measured) {
    fresh.set(result.name, {
      name: result.name,
      value: result.value,
      unit: result.unit,
      ...(result.ratio === undefined ? {} : { ratio: result.ratio }),
      ...(result.better === undefined ? {} : { better: result.better }),
    });
  }
  return { recordedAt: now.toISOString(), machine, results: [...fresh.values()] };
}
