// The calibration from the free control as the paper's runner does it: the control's seeds trained
// as one cell to its last grok; w_c the median over grokked seeds of ‖W‖ there; the base fractions
// from the seed-mean per-matrix norms at the last logged step (a multiple of log_every), θ0 from them.
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/experiments/config.js";
import { calibrate, controlConfig } from "../../src/train/calibrate.js";
import { trainCell } from "../../src/train/cell-end.js";
import { runSeed } from "../../src/train/trainer.js";

const cfg = resolveConfig({ p: 13, train_frac: 0.8, d_embed: 16, hidden: 32, lr: 1e-2, steps: 3000, eval_every: 10, log_every: 50, dtype: "f64" });

describe("calibrate", () => {
  it("reads w_c at the control's end and the fractions at its last 50-step log", () => {
    const c = calibrate(cfg, 2, 2);
    const rs = trainCell(runSeed, controlConfig(cfg), [2, 3]);
    const grokked = rs.filter((r) => r.T_grok !== null);
    expect(grokked.length).toBeGreaterThan(1);
    const end = Math.max(...rs.filter((r) => r.status !== "diverged").map((r) => r.steps_run));
    for (const r of rs) expect(r.steps_run).toBe(end);
    const w = grokked.map((r) => r.final!.weight_norm).sort((a, b) => a - b);
    const mid = w.length >> 1;
    expect(c.wc).toBe(w.length % 2 ? w[mid] : (w[mid - 1]! + w[mid]!) / 2);
    const lastStep = Math.floor(end / 50) * 50;
    expect(c.frac_step).toBe(lastStep);
    const at = (name: string) => rs.reduce((s, r) => s + r.log.find((x) => x.step === lastStep)!.norms[name]!, 0) / rs.length;
    const [nE, n1, n2] = [at("E"), at("W1"), at("W2")];
    const tot = Math.hypot(nE, n1, n2);
    expect(c.base_frac![0]).toBeCloseTo(nE / tot, 12);
    expect(c.base_frac![1]).toBeCloseTo(n1 / tot, 12);
    expect(c.base_frac![2]).toBeCloseTo(n2 / tot, 12);
    expect(c.theta0).toBeCloseTo(n2 ** 2 / (nE ** 2 + n2 ** 2), 12);
  });
});
