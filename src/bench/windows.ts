// Timing windows for `grokscale bench`: a timed run records (step, clock) marks at every evaluation
// point; these functions cut the marks into equal windows and give min/median/max milliseconds per
// step, and, for several workers running at once, the machine-wide milliseconds per seed-step over
// the time when all of them ran (steps completed by every worker in each slice of that time, the
// progress between marks interpolated linearly). Pure functions of the marks.

/** A mark: training step reached, at a clock time in milliseconds (one clock for all workers). */
export type Mark = readonly [step: number, ms: number];

export interface Spread {
  min: number;
  median: number;
  max: number;
  /** one value per window, in time order */
  windows: number[];
}

export function spread(values: number[]): Spread {
  if (values.length === 0) throw new Error("spread: no windows");
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: s[0]!, median, max: s[s.length - 1]!, windows: values };
}

/** Milliseconds per step in each of `windows` equal step windows of one run's marks. */
export function stepWindows(marks: readonly Mark[], windows: number): number[] {
  if (marks.length < 2) throw new Error("stepWindows: need at least two marks");
  const first = marks[0]!;
  const last = marks[marks.length - 1]!;
  const total = last[0] - first[0];
  const out: number[] = [];
  for (let w = 0; w < windows; w++) {
    const a = first[0] + (total * w) / windows;
    const b = first[0] + (total * (w + 1)) / windows;
    out.push((timeAtStep(marks, b) - timeAtStep(marks, a)) / (b - a));
  }
  return out;
}

/** Steps done by `ms` (linear between marks; clamped to the run's first and last marks). */
export function stepAtTime(marks: readonly Mark[], ms: number): number {
  if (ms <= marks[0]![1]) return marks[0]![0];
  for (let i = 1; i < marks.length; i++) {
    const [s1, t1] = marks[i]!;
    if (ms <= t1) {
      const [s0, t0] = marks[i - 1]!;
      return s0 + ((s1 - s0) * (ms - t0)) / (t1 - t0);
    }
  }
  return marks[marks.length - 1]![0];
}

function timeAtStep(marks: readonly Mark[], step: number): number {
  for (let i = 1; i < marks.length; i++) {
    const [s1, t1] = marks[i]!;
    if (step <= s1) {
      const [s0, t0] = marks[i - 1]!;
      return t0 + ((t1 - t0) * (step - s0)) / (s1 - s0);
    }
  }
  return marks[marks.length - 1]![1];
}

/**
 * Machine-wide milliseconds per seed-step in `windows` equal time slices of the span in which every
 * worker was between its first and last mark, and over the whole span.
 */
export function machineWindows(runs: readonly (readonly Mark[])[], windows: number): { overall: number; windows: number[] } {
  const start = Math.max(...runs.map((m) => m[0]![1]));
  const end = Math.min(...runs.map((m) => m[m.length - 1]![1]));
  if (!(end > start)) throw new Error("machineWindows: the workers' timed spans do not overlap");
  const stepsIn = (a: number, b: number) => runs.reduce((acc, m) => acc + stepAtTime(m, b) - stepAtTime(m, a), 0);
  const out: number[] = [];
  for (let w = 0; w < windows; w++) {
    const a = start + ((end - start) * w) / windows;
    const b = start + ((end - start) * (w + 1)) / windows;
    out.push((b - a) / stepsIn(a, b));
  }
  return { overall: (end - start) / stepsIn(start, end), windows: out };
}
