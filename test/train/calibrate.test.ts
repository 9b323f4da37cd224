// The calibration from the free control as the paper's runner does it: the control's seeds trained
// as one cell to its last grok; w_c the median over grokked seeds of ‖W‖ there; the base fractions
// from the seed-mean per-matrix norms at the last logged step (a multiple of log_every), θ0 from them.
// The cell's own clamp is ignored (the control is the free run of its setting); no seed grokking
// gives no w_c.
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/base/config.js";
import { calibrate, controlConfig } from "../../src/train/calibrate.js";
import { trainCell } from "../../src/train/cell-end.js";
import { runSeed } from "../../src/train/trainer.js";

const base = { p: 13, train_frac: 0.8, d_embed: 16, hidden: 32, lr: 1e-2, steps: 3000, eval_every: 10, log_every: 50, dtype: "f64" } as const;
const cfg = resolveConfig(base);

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

  it("ignores the cell's clamp: a clamped cell calibrates as its free control", () => {
    const clamped = resolveConfig({ ...base, wc: 5, rho: 1.15, t_int: 100, gamma: 0.3, theta0: 0.5, f_w1: 0.5 });
    expect(calibrate(clamped, 2, 2)).toEqual(calibrate(cfg, 2, 2));
    // and the clamp does change that cell's training, so the equality above is not vacuous
    const free = runSeed(cfg, 2);
    const held = runSeed(clamped, 2);
    if (free.stopped || held.stopped) throw new Error("stopped");
    expect(held.result.log.at(-1)!.weight_norm).not.toBeCloseTo(free.result.log.at(-1)!.weight_norm, 3);
  });

  it("no seed grokking within the budget gives no w_c; the fractions are still read at the last log", () => {
    const short = resolveConfig({ ...base, steps: 100 });
    const none = calibrate(short, 2, 0);
    expect(none).toMatchObject({ wc: null, n_grokked: 0, frac_step: 100 });
    expect(none.seeds.map((s) => s.norm_at_end)).toEqual([null, null]);
    expect(none.theta0).not.toBeNull();
  });
});
