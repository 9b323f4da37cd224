// The job-cost estimate that orders a sweep's jobs longest first: what it promises (never more steps
// than the budget; the study's orderings of grokking delay; the per-step work of each shape and
// precision), not its fitted constants.

import { describe, expect, it } from "vitest";
import { resolveConfig, type RunConfigInput } from "../../src/base/config.js";
import { cellEndFactor, expectedCellSteps, expectedCost, expectedSteps, LOG_SPREAD, logSpread, stepCost } from "../../src/experiments/cost.js";

const cfg = (over: RunConfigInput = {}) => resolveConfig({ p: 59, ...over });

describe("expectedSteps", () => {
  it("never exceeds the step budget, and is positive", () => {
    for (const over of [{}, { wc: 50, rho: 1.6, tau: 0.5 }, { loss: "mse" as const, wc: 30, rho: 1.3 }, { fork_at: 100, fork_arm: "raised" as const }]) {
      for (const steps of [10, 1000, 100000]) {
        const t = expectedSteps(cfg({ ...over, steps }));
        expect(t).toBeGreaterThan(0);
        expect(t).toBeLessThanOrEqual(steps);
      }
    }
    expect(expectedSteps(cfg({ wc: 50, rho: 2, steps: 777 }))).toBe(777);
  });

  it("grows with the clamped norm and shrinks with the temperature (the logit scale rho/tau)", () => {
    const ce = (rho: number, tau: number) => expectedSteps(cfg({ wc: 50, rho, tau, steps: 1e9 }));
    expect(ce(1.15, 1)).toBeGreaterThan(ce(1, 1));
    expect(ce(1, 1)).toBeGreaterThan(ce(0.85, 1));
    expect(ce(1, 1.3)).toBeLessThan(ce(1, 1));
    const mse = (rho: number) => expectedSteps(cfg({ loss: "mse", wc: 30, rho, steps: 1e9 }));
    expect(mse(1.15)).toBeGreaterThan(mse(1));
  });

  it("orders the forking arms lowered < free < same < raised", () => {
    const arm = (fork_arm: "free" | "same" | "raised" | "lowered") => expectedSteps(cfg({ fork_at: 500, fork_arm, steps: 1e9 }));
    expect(arm("lowered")).toBeLessThan(arm("free"));
    expect(arm("free")).toBeLessThan(arm("same"));
    expect(arm("same")).toBeLessThan(arm("raised"));
  });
});

describe("expectedSteps across moduli and cures", () => {
  it("larger moduli grok sooner (the paper's medians: p = 97 in about half of p = 59's steps)", () => {
    const at = (p: number) => expectedSteps(cfg({ p, wc: 50, steps: 1e9 }));
    expect(at(43)).toBeGreaterThan(at(59));
    expect(at(59)).toBeGreaterThan(at(67));
    expect(at(67)).toBeGreaterThan(at(97));
    expect(at(97)).toBeGreaterThan(at(113));
    expect(at(97) / at(59)).toBeGreaterThan(0.4);
    expect(at(97) / at(59)).toBeLessThan(0.6);
    expect(at(7)).toBe(at(43)); // flat beyond the table
  });

  it("⊥Grad takes fewer steps than plain CE; StableMax stays within its budget", () => {
    const base = { wc: 54.49, rho: 1.15, tau: 1.3, steps: 1e9 };
    expect(expectedSteps(cfg({ ...base, orthograd: true }))).toBeLessThan(expectedSteps(cfg(base)));
    expect(expectedSteps(cfg({ ...base, loss: "stablemax", steps: 500 }))).toBe(500);
  });
});

describe("cellEndFactor", () => {
  it("is exp(spread · E[max of n standard normals]), checked against the closed forms for n = 2, 3", () => {
    expect(cellEndFactor(1)).toBe(1);
    expect(Math.log(cellEndFactor(2)) / LOG_SPREAD).toBeCloseTo(1 / Math.sqrt(Math.PI), 4);
    expect(Math.log(cellEndFactor(3)) / LOG_SPREAD).toBeCloseTo(3 / (2 * Math.sqrt(Math.PI)), 4);
    for (let n = 2; n < 20; n++) expect(cellEndFactor(n + 1)).toBeGreaterThan(cellEndFactor(n));
  });

  it("a cell's seeds cost its expected latest grok, within the budget; seeds that never stop run the budget", () => {
    const c = cfg({ wc: 50, steps: 1e9 });
    expect(expectedCellSteps(c, 12)).toBeCloseTo(expectedSteps(c) * cellEndFactor(12), 9);
    expect(expectedCellSteps(cfg({ wc: 50, steps: 100 }), 12)).toBe(100);
    expect(expectedCellSteps(cfg({ wc: 50, steps: 40000, stop_on_grok: false }), 4)).toBe(40000);
  });

  it("the cures' wider spreads push a cell's end later", () => {
    const ce = cfg({ wc: 54.49, steps: 1e9 });
    const sm = cfg({ wc: 54.49, loss: "stablemax", steps: 1e9 });
    expect(logSpread(ce)).toBe(LOG_SPREAD);
    expect(logSpread(sm)).toBeGreaterThan(logSpread(cfg({ wc: 54.49, orthograd: true })));
    expect(expectedCellSteps(sm, 12) / expectedSteps(sm)).toBeGreaterThan(expectedCellSteps(ce, 12) / expectedSteps(ce));
    expect(expectedCellSteps(sm, 12)).toBeCloseTo(expectedSteps(sm) * cellEndFactor(12, logSpread(sm)), 6);
  });
});

describe("stepCost", () => {
  it("float64 costs more per step than float32", () => {
    expect(stepCost(cfg({ dtype: "f64" }))).toBeGreaterThan(stepCost(cfg({ dtype: "f32" })));
  });

  it("scales with the training rows (α·p²) and the MLP's width", () => {
    expect(stepCost(cfg({ train_frac: 0.6 })) / stepCost(cfg({ train_frac: 0.3 }))).toBeCloseTo(2, 12);
    expect(stepCost(cfg({ hidden: 512 }))).toBeGreaterThan(stepCost(cfg({ hidden: 256 })));
    expect(stepCost(cfg({ p: 97 }))).toBeGreaterThan(stepCost(cfg({ p: 59 })));
  });

  it("a transformer's cost follows its own widths, not the MLP's", () => {
    const t = (over: RunConfigInput) => stepCost(cfg({ model: "transformer", ...over }));
    expect(t({ hidden: 1024 })).toBe(t({ hidden: 256 }));
    expect(t({ d_mlp: 1024 })).toBeGreaterThan(t({ d_mlp: 512 }));
    expect(t({ d_model: 256 })).toBeGreaterThan(t({ d_model: 128 }));
  });
});

describe("expectedCost", () => {
  it("is steps times cost per step", () => {
    for (const c of [cfg(), cfg({ wc: 50, rho: 1.3, dtype: "f64" }), cfg({ model: "transformer" })]) {
      expect(expectedCost(c)).toBeCloseTo(expectedSteps(c) * stepCost(c), 6);
    }
  });
});
