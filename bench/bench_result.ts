/** One measured figure. A ratio compares it with a baseline measured in the same run on the same machine. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
  /** The target ratio (or value when there is no baseline). */
  goal?: number;
  /**
   * Which way is better for the ratio (or the value): `higher` (throughput; the goal is a floor, ≥) or `lower`
   * (time, memory, call counts; the goal is a ceiling, ≤). Default `higher`.
   */
  better?: 'higher' | 'lower';
  note?: string;
}

/** The figure a goal and the regression check judge: the ratio when there is a baseline, else the value. */
export function judgedFigure(result: Pick<BenchResult, 'value' | 'ratio'>): number {
  return result.ratio ?? result.value;
}
