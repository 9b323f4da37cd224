// A rough estimate of a job's cost, used to schedule long jobs first so that a sweep's last minutes
// are not spent waiting on one slow job (longest-processing-time-first), and by `plan` and the ETA.
// Shaped on the paper's published grokking times (and, for the cures of docs/study.md §11, on our
// own E10 measurements); it never affects a result.

import type { RunConfig } from "../base/config.js";

/**
 * Grokking time at modulus p relative to p = 59 (clamped CE at rho 1: the paper's released medians,
 * 9475 / 3712.5 / 2937.5 / ~1740 / 1625 steps at p = 43 / 59 / 67 / 97 / 113); linear in ln p between
 * them, flat beyond. Larger moduli grok sooner: p = 97 in about half p = 59's steps.
 */
const P_TABLE: ReadonlyArray<readonly [number, number]> = [[43, 2.552], [59, 1], [67, 0.791], [97, 0.468], [113, 0.438]];

function pFactor(p: number): number {
  const T = P_TABLE;
  if (p <= T[0]![0]) return T[0]![1];
  for (let i = 1; i < T.length; i++) {
    const [p1, f1] = T[i]!;
    if (p <= p1) {
      const [p0, f0] = T[i - 1]!;
      const u = Math.log(p / p0) / Math.log(p1 / p0);
      return Math.exp((1 - u) * Math.log(f0) + u * Math.log(f1));
    }
  }
  return T[T.length - 1]![1];
}

/** Expected training steps of a seed before it stops (at most its budget). */
export function expectedSteps(c: RunConfig): number {
  let t: number;
  if (c.fork_at !== null) {
    const arm = { lowered: 2300, free: 5000, same: 8000, raised: 25000 }[c.fork_arm];
    t = arm * (c.p === 59 ? 1 : 0.9);
  } else if (c.wc === null) {
    t = c.loss === "mse" ? 1200 * Math.pow(c.p / 59, -0.66) : 5000 * pFactor(c.p);
  } else if (c.loss === "mse") {
    t = 1200 * Math.pow(c.p / 59, -0.66) * Math.pow(1.9, (c.rho - 1) / 0.15) * Math.pow(c.tau, -0.8);
  } else if (c.loss === "stablemax") {
    // measured at p59 (E10, 12 seeds): 3550-13450 steps with no clear trend in rho or tau
    t = 9000 * pFactor(c.p);
  } else {
    // CE: the delay follows the logit scale, roughly rho/tau
    t = 3700 * pFactor(c.p) * Math.pow(3.4, (c.rho - 1) / 0.15) * Math.pow(c.tau, -2.3);
  }
  // ⊥Grad (E10): about 0.65 of plain CE's steps in every measured cell
  if (c.orthograd) t *= 0.65;
  if (c.model === "transformer") t *= 0.5;
  return Math.min(c.steps, t);
}

/**
 * Relative cost per step: the training rows (α·p²) times a width, times 2.3 in float64. The widths
 * are fitted to `grokscale bench` on a Zen 4 machine (machine-wide, after the Speed II kernels): an
 * MLP step costs p + 0.27·H per row (the p-wide GEMMs, loss and logits grow with p, the GELU with
 * H: p97/p59 measured 3.47, modelled 3.50), a transformer step 0.77·(4·d_model + d_mlp) (p59: 6.2
 * MLP steps measured on one worker once its attention loops became kernels, 6.5 before; 6.15
 * modelled); float64 measured 2.2-2.4 times float32.
 */
export function stepCost(c: RunConfig): number {
  const rows = c.train_frac * c.p * c.p;
  const width = c.model === "mlp" ? c.p + 0.27 * c.hidden : 0.77 * (4 * c.d_model + c.d_mlp);
  return rows * width * (c.dtype === "f64" ? 2.3 : 1);
}

export function expectedCost(c: RunConfig): number {
  return expectedSteps(c) * stepCost(c);
}

/**
 * Spread of ln T_grok among a cell's seeds: the standard deviation over the paper's released cells
 * (170 cells with at least two grokked seeds) averages 0.093.
 */
export const LOG_SPREAD = 0.093;

/**
 * The spread for a config: the paper's for CE and MSE; wider under the cures of E10, as measured there
 * (12 seeds per cell): about 0.14 under ⊥Grad and 0.62 under StableMax, whose seeds split into an
 * early and a late group.
 */
export function logSpread(c: RunConfig): number {
  if (c.loss === "stablemax") return 0.62;
  if (c.orthograd) return 0.14;
  return LOG_SPREAD;
}

/** E[max of n standard normals], by integrating n·x·φ(x)·Φ(x)^(n−1) on a fine grid (Φ by the trapezoid rule). */
function expectedMaxNormal(n: number): number {
  if (n <= 1) return 0;
  const h = 0.002;
  let cdf = 0;
  let prev = 0;
  let sum = 0;
  for (let x = -8; x <= 8; x += h) {
    const pdf = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    cdf += 0.5 * (prev + pdf) * h;
    prev = pdf;
    sum += n * x * pdf * Math.pow(cdf, n - 1) * h;
  }
  return sum;
}

const maxNormal = new Map<number, number>();

/**
 * A cell's seeds all train to the cell's end, the step its last seed groks (train/cell-end.ts), so a
 * seed's expected cost is the expected largest of the cell's n grokking times: the model's typical
 * time times exp(spread · E[max of n standard normals]) (at the paper's spread: 1.05 for 2 seeds,
 * 1.10 for 4, 1.16 for 12).
 */
export function cellEndFactor(n: number, spread = LOG_SPREAD): number {
  let z = maxNormal.get(n);
  if (z === undefined) {
    z = expectedMaxNormal(n);
    maxNormal.set(n, z);
  }
  return Math.exp(spread * z);
}

/** Expected steps of one seed of a cell of n seeds, the cell's end included (at most the budget). */
export function expectedCellSteps(c: RunConfig, n: number): number {
  if (!c.stop_on_grok) return c.steps;
  return Math.min(c.steps, expectedSteps(c) * cellEndFactor(n, logSpread(c)));
}
