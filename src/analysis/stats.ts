// Small numeric statistics the study needs: median, NumPy-style linear percentile, ordinary least
// squares with intercept (R^2, RSS), AIC, and piecewise-linear interpolation. Plain arrays of
// doubles; undefined cases (too few points, constant or collinear regressors) come back as an
// Outcome with a reason. Not a statistics library: no weights, no standard errors, no robust fits.

import { fail, ok, type Outcome } from "./outcome.js";

/** Median (mean of the two middle values for an even count). Throws on an empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error("median of an empty list");
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Percentile q in [0, 1] with linear interpolation between order statistics (NumPy's default). */
export function percentile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new Error("percentile of an empty list");
  const s = sorted(xs);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

export interface OlsFit {
  coef: number[]; // [intercept, slope_1, ..., slope_k]
  rss: number; // residual sum of squares
  tss: number; // total sum of squares about the mean
  r2: number; // 1 - rss / tss
  n: number; // points
}

/**
 * OLS of y on the given regressor columns plus an intercept. Needs n >= k + 2 points (so the fit is
 * not exact by construction), a y that varies, and regressors that vary and are not collinear.
 */
export function olsWithIntercept(columns: readonly (readonly number[])[], y: readonly number[], names?: readonly string[]): Outcome<OlsFit> {
  const n = y.length;
  const k = columns.length;
  const name = (j: number) => names?.[j] ?? `x${j + 1}`;
  if (columns.some((c) => c.length !== n)) return fail("regressor and response lengths differ");
  if (n < k + 2) return fail(`a fit with ${k + 1} parameters needs at least ${k + 2} points, got ${n}`);
  if (![...y, ...columns.flat()].every(Number.isFinite)) return fail("non-finite value in the fit's data");
  const my = y.reduce((a, b) => a + b, 0) / n;
  const yc = y.map((v) => v - my);
  const tss = yc.reduce((a, v) => a + v * v, 0);
  if (!(tss > 0)) return fail("the response is the same at every point; R^2 is undefined");
  const means = columns.map((c) => c.reduce((a, b) => a + b, 0) / n);
  const sds = columns.map((c, j) => Math.sqrt(c.reduce((a, v) => a + (v - means[j]!) ** 2, 0)));
  for (let j = 0; j < k; j++) {
    if (!(sds[j]! > 1e-12 * Math.max(1, Math.abs(means[j]!)))) return fail(`${name(j)} is the same at every point; its slope is undefined`);
  }
  // standardised regressors: the normal matrix is then a correlation matrix, so pivots are comparable
  const z = columns.map((c, j) => c.map((v) => (v - means[j]!) / sds[j]!));
  const A = z.map((zi) => z.map((zj) => dot(zi, zj)));
  const b = z.map((zi) => dot(zi, yc));
  const beta = solve(A, b);
  if (!beta) return fail(`the regressors (${columns.map((_, j) => name(j)).join(", ")}) are collinear`);
  const slopes = beta.map((v, j) => v / sds[j]!);
  const intercept = my - slopes.reduce((a, s, j) => a + s * means[j]!, 0);
  let rss = 0;
  for (let i = 0; i < n; i++) {
    let f = intercept;
    for (let j = 0; j < k; j++) f += slopes[j]! * columns[j]![i]!;
    rss += (y[i]! - f) ** 2;
  }
  return ok({ coef: [intercept, ...slopes], rss, tss, r2: 1 - rss / tss, n });
}

/** AIC = n ln(RSS/n) + 2k for a least-squares fit with k parameters. */
export function aic(rss: number, n: number, k: number): Outcome<number> {
  if (n <= 0) return fail("AIC needs at least one point");
  if (!(rss > 0)) return fail("the fit is exact (RSS = 0), so its AIC is minus infinity");
  return ok(n * Math.log(rss / n) + 2 * k);
}

/**
 * y at x0 on the piecewise-linear curve through the points, taken in increasing x. x0 must lie
 * within the points' range (no extrapolation). Where x0 equals a point's x exactly, that point's y.
 */
export function interpLinear(xs: readonly number[], ys: readonly number[], x0: number): Outcome<number> {
  if (xs.length !== ys.length) return fail("interpolation: x and y lengths differ");
  if (xs.length === 0) return fail("interpolation: no points");
  if (![...xs, ...ys, x0].every(Number.isFinite)) return fail("interpolation: non-finite value");
  const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]! || a - b);
  const sx = order.map((i) => xs[i]!);
  const sy = order.map((i) => ys[i]!);
  const exact = sx.indexOf(x0);
  if (exact >= 0) return ok(sy[exact]!);
  if (x0 < sx[0]! || x0 > sx[sx.length - 1]!) {
    return fail(`interpolation: ${x0} lies outside the points' range [${sx[0]}, ${sx[sx.length - 1]}]`);
  }
  let i = 0;
  while (sx[i + 1]! < x0) i++;
  const t = (x0 - sx[i]!) / (sx[i + 1]! - sx[i]!);
  return ok(sy[i]! + t * (sy[i + 1]! - sy[i]!));
}

/**
 * Linear interpolation as NumPy's np.interp: the points taken in increasing x, and x0 outside their
 * range clamped to the first or last y (no extrapolation, and no failure).
 */
export function interpClamped(xs: readonly number[], ys: readonly number[], x0: number): Outcome<number> {
  if (xs.length !== ys.length) return fail("interpolation: x and y lengths differ");
  if (xs.length === 0) return fail("interpolation: no points");
  if (![...xs, ...ys, x0].every(Number.isFinite)) return fail("interpolation: non-finite value");
  const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]! || a - b);
  const lo = order[0]!;
  const hi = order[order.length - 1]!;
  if (x0 <= xs[lo]!) return ok(ys[lo]!);
  if (x0 >= xs[hi]!) return ok(ys[hi]!);
  return interpLinear(xs, ys, x0);
}

/** A sorted copy; insertion sort for the short lists (seeds) the bootstrap sorts thousands of times. */
function sorted(xs: readonly number[]): number[] {
  const s = xs.slice();
  if (s.length > 32) return s.sort((a, b) => a - b);
  for (let i = 1; i < s.length; i++) {
    const v = s[i]!;
    let j = i - 1;
    while (j >= 0 && s[j]! > v) {
      s[j + 1] = s[j]!;
      j--;
    }
    s[j + 1] = v;
  }
  return s;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Solve A x = b by Gaussian elimination with partial pivoting; null if A is (near) singular. */
function solve(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    if (Math.abs(M[p]![c]!) < 1e-10) return null;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let j = c; j <= n; j++) M[r]![j] = M[r]![j]! - f * M[c]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let j = r + 1; j < n; j++) s -= M[r]![j]! * x[j]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}
