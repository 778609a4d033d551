/** One measured figure. A ratio compares it with a baseline measured in the same run on the same machine. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
  /** The target ratio (or value when there is no baseline). */
  goal?: number;
  note?: string;
}
