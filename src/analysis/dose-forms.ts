// The three dose-law forms of E1, each fitted by least squares to (||W||, ln T_grok) and scored by
// AIC = n ln(RSS/n) + 2k: exponential ln T = c + alpha*W (k 2); power law ln T = c + beta*ln(W - w0)
// with 0 <= w0 < min W (k 3); saddle-node ln T = c - 1/2 ln(w0 - W) with w0 > max W (k 2). The
// nonlinear w0 is found by a log-spaced grid then golden-section refinement. No cell selection here.

import { fail, ok, type Outcome } from "./outcome.js";
import { aic, olsWithIntercept } from "./stats.js";

export interface FormFit {
  form: "exponential" | "power" | "saddle";
  params: Record<string, number>; // exponential {c, alpha}; power {c, beta, w0}; saddle {c, w0}
  k: number; // fitted parameters
  rss: number;
  r2: number;
  aic: number | null; // null when the fit is exact (RSS = 0): AIC is then minus infinity
  w0AtBound: boolean; // the best w0 sits at the edge of its search range (a limit, not an interior optimum)
}

export function fitExponential(W: readonly number[], lnT: readonly number[]): Outcome<FormFit> {
  const f = olsWithIntercept([W], lnT, ["||W||"]);
  if (!f.ok) return f;
  const [c, alpha] = f.value.coef as [number, number];
  return ok({ form: "exponential", params: { c, alpha }, k: 2, rss: f.value.rss, r2: f.value.r2, aic: aicOrNull(f.value.rss, W.length, 2), w0AtBound: false });
}

export function fitPower(W: readonly number[], lnT: readonly number[]): Outcome<FormFit> {
  if (W.length < 4) return fail(`the power law has 3 parameters and needs at least 4 cells, got ${W.length}`);
  const minW = Math.min(...W);
  if (!(minW > 0)) return fail("the power law needs positive norms");
  // search over the gap g = minW - w0 in (0, minW]; g = minW is w0 = 0
  const rssAt = (logG: number) => {
    const w0 = minW - Math.exp(logG);
    const f = olsWithIntercept([W.map((w) => Math.log(w - w0))], lnT);
    return f.ok ? f.value.rss : Infinity;
  };
  const best = minimize1d(rssAt, Math.log(minW * 1e-8), Math.log(minW));
  const w0 = Math.max(0, minW - Math.exp(best.x));
  const f = olsWithIntercept([W.map((w) => Math.log(w - w0))], lnT, ["ln(||W|| - w0)"]);
  if (!f.ok) return f;
  const [c, beta] = f.value.coef as [number, number];
  return ok({ form: "power", params: { c, beta, w0 }, k: 3, rss: f.value.rss, r2: f.value.r2, aic: aicOrNull(f.value.rss, W.length, 3), w0AtBound: best.atBound });
}

export function fitSaddle(W: readonly number[], lnT: readonly number[]): Outcome<FormFit> {
  const n = W.length;
  if (n < 3) return fail(`the saddle-node form needs at least 3 cells, got ${n}`);
  const maxW = Math.max(...W);
  const span = Math.max(maxW - Math.min(...W), 1e-9 * Math.max(1, Math.abs(maxW)));
  const mean = lnT.reduce((s, v) => s + v, 0) / n;
  const tss = lnT.reduce((s, v) => s + (v - mean) ** 2, 0);
  if (!(tss > 0)) return fail("ln T_grok is the same in every cell; R^2 is undefined");
  // for fixed w0 the best c is the mean of lnT + 1/2 ln(w0 - W)
  const fitAt = (w0: number) => {
    const u = W.map((w, i) => lnT[i]! + 0.5 * Math.log(w0 - w));
    const c = u.reduce((s, v) => s + v, 0) / n;
    return { c, rss: u.reduce((s, v) => s + (v - c) ** 2, 0) };
  };
  const best = minimize1d((logG) => fitAt(maxW + Math.exp(logG)).rss, Math.log(span * 1e-8), Math.log(span * 1e6));
  const w0 = maxW + Math.exp(best.x);
  const { c, rss } = fitAt(w0);
  return ok({ form: "saddle", params: { c, w0 }, k: 2, rss, r2: 1 - rss / tss, aic: aicOrNull(rss, n, 2), w0AtBound: best.atBound });
}

function aicOrNull(rss: number, n: number, k: number): number | null {
  const a = aic(rss, n, k);
  return a.ok ? a.value : null;
}

/** Minimise f on [lo, hi]: a 400-point grid, then golden-section search around the best point. */
function minimize1d(f: (x: number) => number, lo: number, hi: number): { x: number; atBound: boolean } {
  const N = 400;
  let bi = 0;
  let bv = Infinity;
  const xs = Array.from({ length: N + 1 }, (_, i) => lo + ((hi - lo) * i) / N);
  xs.forEach((x, i) => {
    const v = f(x);
    if (v < bv) {
      bv = v;
      bi = i;
    }
  });
  let a = xs[Math.max(0, bi - 1)]!;
  let b = xs[Math.min(N, bi + 1)]!;
  const r = (Math.sqrt(5) - 1) / 2;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let it = 0; it < 100 && b - a > 1e-12 * Math.max(1, Math.abs(a)); it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  let x = (a + b) / 2;
  if (f(x) > bv) x = xs[bi]!; // keep the grid point if refinement did not improve on it
  return { x, atBound: bi === 0 || bi === N };
}
