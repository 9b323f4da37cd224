// Golden run: a tiny cell (p = 7, d = 8, H = 16, clamp from step 20) trained for 50 steps with the
// reference kernels; its losses are pinned so that any change to the numerics is seen.
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/base/config.js";
import { runSeed } from "../../src/train/trainer.js";

const cfg = (dtype: "f32" | "f64") =>
  resolveConfig({ p: 7, d_embed: 8, hidden: 16, steps: 50, eval_every: 10, log_every: 10, kernels: "reference", dtype, wc: 6, t_int: 20 });

const PINNED: Array<[step: number, trainLoss: number, testAcc: number]> = [
  [1, 1.9544209681639493, 0.2],
  [10, 1.9301655108295703, 0.16666666666666666],
  [20, 1.895055618698451, 0.13333333333333333],
  [30, 1.8632662551847812, 0.13333333333333333],
  [40, 1.8308539504126655, 0.1],
  [50, 1.7981314441872003, 0.06666666666666667],
];

describe("golden run", () => {
  it("f64 losses match the pinned values to 1e-12", () => {
    const out = runSeed(cfg("f64"), 0);
    if (out.stopped) throw new Error("stopped");
    const log = out.result.log;
    expect(log.map((r) => r.step)).toEqual(PINNED.map((p) => p[0]));
    PINNED.forEach(([, loss, acc], i) => {
      expect(log[i]!.train_loss).toBeCloseTo(loss, 12);
      expect(log[i]!.test_acc).toBe(acc);
    });
  });

  it("f32 follows the f64 golden run to float32 accuracy", () => {
    const out = runSeed(cfg("f32"), 0);
    if (out.stopped) throw new Error("stopped");
    PINNED.forEach(([, loss], i) => expect(Math.abs(out.result.log[i]!.train_loss - loss)).toBeLessThan(1e-6));
  });
});
