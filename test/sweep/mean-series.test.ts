// The seed-mean series carries a stopped seed's last row forward instead of dropping the seed.
import { describe, expect, it } from "vitest";
import { meanSeries } from "../../src/sweep/cells.js";
import type { LogRow } from "../../src/base/results.js";

const row = (step: number, L: number): LogRow => ({
  step, train_loss: 0, test_loss: 0, train_acc: 1, test_acc: 0, weight_norm: 1, norms: { E: 1 },
  logit_scale: L, frac_saturated: 0, collapse_rate: 0, fourier_top5: 0,
});

describe("meanSeries", () => {
  it("averages every seed at every step, holding a stopped seed at its last row", () => {
    const s = meanSeries(new Map([
      [0, [row(1, 1), row(200, 10), row(300, 20)]], // grokked at 300 and stopped
      [1, [row(1, 3), row(200, 30), row(400, 50)]],
    ]));
    expect(s.step).toEqual([1, 200, 300, 400]);
    expect(s.logit_scale).toEqual([2, 20, 25, 35]);
  });
});
