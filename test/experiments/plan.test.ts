// `grokscale plan`'s arithmetic (experiments/plan.ts) and its job lists: per-experiment sums, a job
// shared by two experiments counted once, hours from rates, and the presets' job counts.
import { describe, expect, it } from "vitest";
import { presetJobs } from "../../src/cli/plan.js";
import { resolveConfig } from "../../src/base/config.js";
import { cellEndFactor, expectedSteps, stepCost } from "../../src/experiments/cost.js";
import { P59_STEP_COST, planJobs, scaledRates, stepKind } from "../../src/experiments/plan.js";
import { mergedPresetSpec } from "../../src/experiments/presets.js";
import { resolveSweepSpec } from "../../src/experiments/sweep-spec.js";

const a = resolveConfig({ p: 59, wc: 54.49, steps: 40000 });
const b = resolveConfig({ p: 97, wc: 80, steps: 40000, dtype: "f64" });

describe("plan", () => {
  it("sums expected steps, budgets and p59 equivalents per experiment, each job once", () => {
    const jobs = [
      { jobId: "1", experiment: "E2", config: a },
      { jobId: "2", experiment: "E2", config: b },
      { jobId: "1", experiment: "E3", config: a }, // shared with E2
      { jobId: "3", experiment: "E3", config: a },
    ];
    const plan = planJobs(jobs, null);
    expect(plan.experiments.map((e) => [e.experiment, e.jobs])).toEqual([["E2", 2], ["E3", 1]]);
    expect(plan.total.jobs).toBe(3);
    expect(plan.total.expected_seed_steps).toBe(2 * expectedSteps(a) + expectedSteps(b));
    expect(plan.total.budget_seed_steps).toBe(120000);
    expect(plan.experiments[1]!.p59_equivalent).toBeCloseTo((expectedSteps(a) * stepCost(a)) / P59_STEP_COST, 9);
    expect(P59_STEP_COST).toBe(stepCost(resolveConfig({ p: 59 })));
    expect(plan.total.hours).toBeNull();
  });

  it("a cell's seeds each cost the cell's expected latest grok; its size counted over cellsOf", () => {
    const cell = ["s0", "s1", "s2", "s3"].map((jobId) => ({ jobId, experiment: "E2", config: a, cellId: "c" }));
    expect(planJobs(cell, null).total.expected_seed_steps).toBeCloseTo(4 * expectedSteps(a) * cellEndFactor(4), 6);
    // two seeds left of the four: still a four-seed cell
    expect(planJobs(cell.slice(2), null, cell).total.expected_seed_steps).toBeCloseTo(2 * expectedSteps(a) * cellEndFactor(4), 6);
    expect(planJobs(cell.slice(2), null).total.expected_seed_steps).toBeCloseTo(2 * expectedSteps(a) * cellEndFactor(2), 6);
  });

  it("hours from scaled rates; the wall estimate is at least the longest job", () => {
    const rates = scaledRates(resolveConfig({ p: 59 }), 4, 8, 2);
    const plan = planJobs([{ jobId: "1", experiment: "E", config: b }], rates);
    const ms = (4 * stepCost(b)) / P59_STEP_COST;
    expect(plan.total.hours).toBeCloseTo((expectedSteps(b) * ms) / 3.6e6 / 2, 12);
    expect(plan.longest_job_hours).toBeCloseTo((expectedSteps(b) * 2 * ms) / 3.6e6, 12);
    expect(plan.wall_hours).toBe(plan.longest_job_hours);
  });

  it("step kinds separate what changes a step's cost", () => {
    expect(stepKind(a)).toBe(stepKind(resolveConfig({ p: 59, tau: 1.7, rho: 1.15 })));
    expect(stepKind(a)).not.toBe(stepKind(resolveConfig({ p: 59, dtype: "f64" })));
    expect(stepKind(a)).not.toBe(stepKind(resolveConfig({ p: 59, batch_size: 512 })));
  });

  it("preset job lists match the sweeps reproduce runs (paper: plus its 24 θ0 controls)", () => {
    const quick = presetJobs("quick");
    expect(new Set(quick.map((j) => j.jobId)).size).toBe(resolveSweepSpec(mergedPresetSpec("quick")).jobs.length);
    const paper = presetJobs("paper");
    const controls = paper.filter((j) => j.experiment.startsWith("controls"));
    expect(controls.length).toBe(24);
    expect(presetJobs("quick/E2").every((j) => j.experiment === "E2 e2-ce")).toBe(true);
    expect(() => presetJobs("nope")).toThrow(/unknown preset/);
  });
});
