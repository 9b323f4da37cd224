// A rough estimate of a job's cost, used only to schedule long jobs first so that a sweep's last
// minutes are not spent waiting on one slow job (longest-processing-time-first). Shaped on the
// paper's published grokking times; it never affects a result.

import type { RunConfig } from "../base/config.js";

/** Expected training steps before the job stops (at most its budget). */
export function expectedSteps(c: RunConfig): number {
  let t: number;
  if (c.fork_at !== null) {
    const arm = { lowered: 2300, free: 5000, same: 8000, raised: 25000 }[c.fork_arm];
    t = arm * (c.p === 59 ? 1 : 0.9);
  } else if (c.wc === null) {
    t = c.loss === "mse" ? 1200 : 5000;
  } else if (c.loss === "mse") {
    t = 1200 * Math.pow(1.9, (c.rho - 1) / 0.15) * Math.pow(c.tau, -0.8);
  } else {
    // CE: the delay follows the logit scale, roughly rho/tau
    t = 3700 * Math.pow(3.4, (c.rho - 1) / 0.15) * Math.pow(c.tau, -2.3);
  }
  if (c.model === "transformer") t *= 0.5;
  return Math.min(c.steps, t);
}

/** Relative cost per step: float64 is slower; the work grows with p² rows × (H + p) columns. */
export function stepCost(c: RunConfig): number {
  const rows = c.train_frac * c.p * c.p;
  const width = c.model === "mlp" ? c.hidden + c.p : 4 * c.d_model + c.d_mlp;
  return rows * width * (c.dtype === "f64" ? 1.8 : 1);
}

export function expectedCost(c: RunConfig): number {
  return expectedSteps(c) * stepCost(c);
}
