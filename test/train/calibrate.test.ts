// Calibration against runs made here: w_c is the median over seeds of ‖W‖ at the grok step of the free
// control (read from each run's own log), θ0 the median W2 / (E + W2) power share there; the cell's
// clamp is ignored; no seed grokking gives no w_c.
// A miniature that groks in hundreds of steps (the mini preset's MLP at p = 23).

import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/experiments/config.js";
import { calibrate } from "../../src/train/calibrate.js";
import { runSeed } from "../../src/train/trainer.js";

const mini = { p: 23, train_frac: 0.8, d_embed: 32, hidden: 64, lr: 3e-3, steps: 3000, log_every: 100 };
const middle = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) / 2]!; // odd counts only

describe("calibrate", () => {
  it("w_c and θ0 are the medians, over the free control's seeds, of ‖W‖ and W2's power share at grok", () => {
    const clamped = resolveConfig({ ...mini, wc: 28, rho: 1.15, t_int: 100 });
    const cal = calibrate(clamped, 3, 0);
    const free = resolveConfig(mini);
    const runs = [0, 1, 2].map((s) => {
      const o = runSeed(free, s);
      if (o.stopped) throw new Error("stopped");
      return o.result;
    });
    expect(runs.every((r) => r.T_grok !== null)).toBe(true);
    const atGrok = runs.map((r) => r.log.find((x) => x.step === r.T_grok)!);
    expect(cal.n_grokked).toBe(3);
    expect(cal.seeds.map((s) => s.T_grok)).toEqual(runs.map((r) => r.T_grok));
    expect(cal.wc).toBeCloseTo(middle(atGrok.map((x) => x.weight_norm)), 10);
    const share = atGrok.map((x) => x.norms["W2"]! ** 2 / (x.norms["W2"]! ** 2 + x.norms["E"]! ** 2));
    expect(cal.theta0).toBeCloseTo(middle(share), 10);
    // the clamp the cell asked for is not the control: its seeds grok elsewhere
    const c = runSeed(clamped, 0);
    expect(!c.stopped && c.result.T_grok).not.toBe(runs[0]!.T_grok);
  }, 120_000);

  it("no seed grokking within the budget gives no w_c and no θ0", () => {
    const short = resolveConfig({ ...mini, steps: 100 });
    const none = calibrate(short, 2, 0);
    expect(none).toMatchObject({ wc: null, theta0: null, n_grokked: 0 });
    expect(none.seeds.map((s) => s.norm_at_grok)).toEqual([null, null]);
  });
});
