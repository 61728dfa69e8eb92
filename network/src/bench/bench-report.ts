import { appendFileSync } from 'node:fs';
import { formatRate } from './statistics';

/** A headline figure of a bench next to its goal, as `npm run bench` collects them for its summary. */
export interface BenchFigure {
  bench: string;
  figure: string;
  value: number;
  unit: string;
  /** e.g. `≥ 1,000 tx/s` */
  goal: string;
  /** Null when the figure could not be judged (the phase it compares with did not run). */
  met: boolean | null;
}

/** A target a figure is held against; its unit is the figure's. */
export interface Goal {
  unit: string;
  text: string;
  isMetBy(value: number): boolean;
}

export function atLeast(target: number, unit: string): Goal {
  return { unit, text: `≥ ${target.toLocaleString('en-US')} ${unit}`, isMetBy: (value) => value >= target };
}

export function atMost(target: number, unit: string): Goal {
  return { unit, text: `≤ ${target.toLocaleString('en-US')} ${unit}`, isMetBy: (value) => value <= target };
}

/** A figure as the benches print it: rates with thousands separators, ratios to two decimals. */
export function formatFigure(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `— ${unit}`;
  if (unit === '%') return `${value.toFixed(0)} %`;
  if (unit === '×') return `${value.toFixed(2)} ×`;
  return `${formatRate(value)} ${unit}`;
}

/**
 * Where a bench records its headline figures. Each bench prints its own lines; the text `record`
 * answers goes after a figure there, so the goal reads beside it. With a report file (the
 * `BENCH_REPORT` that `scripts/bench.cjs` sets), each figure is also appended as one JSON line,
 * which lets several bench processes feed one summary without talking to each other.
 */
export class BenchReport {
  constructor(
    readonly bench: string,
    private readonly file: string | undefined = process.env.BENCH_REPORT,
  ) {}

  /** Records `value` against `goal` and answers e.g. `goal ≥ 1,000 tx/s  (not met)`. */
  record(figure: string, value: number, goal: Goal): string {
    const met = Number.isFinite(value) ? goal.isMetBy(value) : null;
    const entry: BenchFigure = { bench: this.bench, figure, value, unit: goal.unit, goal: goal.text, met };
    if (this.file) appendFileSync(this.file, JSON.stringify(entry) + '\n');
    return `goal ${goal.text}  (${met === null ? 'not judged' : met ? 'met' : 'not met'})`;
  }
}
