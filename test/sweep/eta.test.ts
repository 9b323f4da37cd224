// The sweep's ETA (sweep/eta.ts): it charges each job the cost model's expected steps, not its budget,
// at the seconds per cost unit seen so far, corrected by finished jobs' actual steps.
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/base/config.js";
import { expectedSteps, stepCost } from "../../src/experiments/cost.js";
import { EtaModel } from "../../src/sweep/eta.js";

const base = resolveConfig({ p: 59, wc: 54.49, steps: 40000 }); // CE, ρ = τ = 1: expected well below the budget
const wide = resolveConfig({ p: 97, wc: 80, rho: 1.15, tau: 1.3, steps: 120000 });

describe("sweep ETA from the cost model", () => {
  it("is unknown until a step rate was seen, then charges expected steps (not budgets)", () => {
    const m = new EtaModel(2);
    m.start("a", base, 0);
    expect(m.eta([wide])).toBeNull();
    m.progress("a", 25, 100); // the first report only starts the clock
    expect(m.eta([wide])).toBeNull();
    m.progress("a", 125, 110); // 100 steps in 10 s
    const rate = 10 / (100 * stepCost(base));
    expect(m.rate).toBeCloseTo(rate, 15);
    const units = (expectedSteps(base) - 125) * stepCost(base) + expectedSteps(wide) * stepCost(wide);
    expect(m.eta([wide])).toBeCloseTo((units * rate) / 2, 6);
    expect(m.eta([wide], 1)).toBeCloseTo(units * rate, 6); // a queue passes the workers it has seen
    expect(m.has("a") && !m.has("b")).toBe(true);
    expect(expectedSteps(base)).toBeLessThan(base.steps / 4);
    // the budget-based figure would be several times larger
    const budgetUnits = (base.steps - 125) * stepCost(base) + wide.steps * stepCost(wide);
    expect((budgetUnits * rate) / 2).toBeGreaterThan(3 * m.eta([wide])!);
  });

  it("times steps from when they were reached: a repeated report of the same step is no news", () => {
    const m = new EtaModel(1);
    m.start("a", base, 0);
    m.progress("a", 100, 0); // starts the clock
    m.progress("a", 100, 4); // seen again later (a queue's poll): the step was still reached at 0
    m.progress("a", 300, 5);
    expect(m.rate).toBeCloseTo(5 / (200 * stepCost(base)), 15);
  });

  it("never promises less than the longest running job's rest", () => {
    const m = new EtaModel(4);
    m.start("a", wide, 0);
    m.progress("a", 0, 0);
    m.progress("a", 100, 1);
    const rest = (expectedSteps(wide) - 100) * stepCost(wide) * m.rate!;
    expect(m.eta([])).toBeCloseTo(rest, 6);
  });

  it("finished jobs correct the expected steps of the rest, capped by budgets", () => {
    const m = new EtaModel(1);
    m.start("a", base, 0);
    m.progress("a", 0, 0);
    m.progress("a", 100, 1);
    m.finish("a", Math.round(expectedSteps(base) / 2));
    expect(m.factor).toBeCloseTo(0.5, 3);
    const rate = m.rate!;
    expect(m.eta([base])).toBeCloseTo(expectedSteps(base) * m.factor * stepCost(base) * rate, 6);
    const m2 = new EtaModel(1);
    m2.start("b", base, 0);
    m2.progress("b", 0, 0);
    m2.progress("b", 100, 1);
    m2.finish("b", expectedSteps(base) * 100); // the model was far too optimistic
    expect(m2.eta([base])).toBeCloseTo(base.steps * stepCost(base) * m2.rate!, 6);
    // a stopped job (null) teaches nothing
    const m3 = new EtaModel(1);
    m3.start("c", base, 0);
    m3.finish("c", null);
    expect(m3.factor).toBe(1);
  });
});
