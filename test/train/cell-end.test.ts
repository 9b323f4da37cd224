// A cell trained as the paper trains it: seeds stop at their grok, then the early grokkers are
// continued from their final state to the cell's end. The continuation must give exactly the bits of
// a run that never stopped, and the cell's L at grok must be read from every seed at that step.
import { describe, expect, it } from "vitest";
import { summarizeCell } from "../../src/analysis/cell-stats.js";
import { resolveConfig } from "../../src/base/config.js";
import { cellEndStep, continuations, continuedResult, trainCell } from "../../src/train/cell-end.js";
import { cellRecordOf, trainSummary } from "../../src/train/summary.js";
import { runSeed, type RunSeedOutcome } from "../../src/train/trainer.js";
import type { SeedResult } from "../../src/base/results.js";
import type { Snapshot } from "../../src/train/types.js";

// p = 13 groks in ~1-2k steps at this size; seeds 0, 2, 3 grok at different steps, seed 1 does not by 3000
const cfg = (over: Record<string, unknown> = {}) =>
  resolveConfig({ p: 13, train_frac: 0.8, d_embed: 16, hidden: 32, lr: 1e-2, steps: 3000, eval_every: 10, log_every: 50, ...over });

function done(o: RunSeedOutcome): SeedResult {
  if (o.stopped) throw new Error("unexpected stop");
  return o.result;
}

describe("the cell's end and its continuations", () => {
  it("plans: the cell ends at its last grok, or at the budget when a seed is censored; diverged seeds are left out", () => {
    const c = cfg();
    const g = (seed: number, steps_run: number) => ({ seed, status: "grokked" as const, steps_run });
    expect(cellEndStep(c, [g(0, 500), g(1, 900)])).toBe(900);
    expect(continuations(c, [g(0, 500), g(1, 900)])).toEqual([{ seed: 0, until: 900 }]);
    expect(cellEndStep(c, [g(0, 500), { seed: 1, status: "censored", steps_run: 3000 }])).toBe(3000);
    expect(cellEndStep(c, [g(0, 500), { seed: 1, status: "diverged", steps_run: 40 }])).toBe(500);
    expect(continuations(c, [g(0, 500), g(1, 500)])).toEqual([]);
    expect(cellEndStep(cfg({ stop_on_grok: false }), [g(0, 500), g(1, 900)])).toBeNull();
  });

  it("a continuation keeps the grok and its norm, and takes a T_mem first reached after the grok", () => {
    const base: SeedResult = {
      seed: 4, T_mem: null, T_grok: 500, delay: null, grokked: true, status: "grokked", steps_run: 500, wall_s: 1,
      norm_at_grok: 7, norm_at_fork: null, final: null, log: [],
    };
    const cont: SeedResult = { ...base, T_mem: 650, delay: -150, steps_run: 900, wall_s: 2, norm_at_grok: null };
    expect(continuedResult(base, cont)).toMatchObject({ T_mem: 650, delay: -150, T_grok: 500, norm_at_grok: 7, steps_run: 900, status: "grokked" });
    expect(() => continuedResult(base, { ...cont, seed: 5 })).toThrow(/seed 5/);
  });

  for (const dtype of ["f32", "f64"] as const) {
    it(`continuing a seed from its grok state gives exactly the run that never stopped (${dtype})`, () => {
      const c = cfg({ dtype });
      const early = runSeed(c, 3, { keepFinal: true });
      const late = done(runSeed(c, 0));
      const first = done(early);
      expect(first.T_grok).not.toBeNull();
      expect(late.T_grok).not.toBeNull();
      expect(first.T_grok!).toBeLessThan(late.T_grok!);
      const final = (early as { final: Snapshot }).final;
      expect(final.step).toBe(first.T_grok);
      const until = late.T_grok!;
      const cont = runSeed(c, 3, { resume: final, until, keepFinal: true });
      const contRes = done(cont);
      // the reference: the same seed trained without stopping to the same step (budget = until)
      const ref = runSeed(resolveConfig({ ...c, steps: until, stop_on_grok: false }), 3, { keepFinal: true });
      const refRes = done(ref);
      expect(contRes.steps_run).toBe(until);
      expect(contRes.T_grok).toBe(first.T_grok);
      expect(contRes.T_mem).toBe(first.T_mem);
      expect(contRes.log).toEqual(refRes.log);
      expect(contRes.final).toEqual(refRes.final);
      expect(contRes.final!.step).toBe(until);
      const a = (cont as { final: Snapshot }).final;
      const b = (ref as { final: Snapshot }).final;
      for (const name of Object.keys(b.params)) {
        expect(a.params[name]).toEqual(b.params[name]);
        expect(a.m[name]).toEqual(b.m[name]);
        expect(a.v[name]).toEqual(b.v[name]);
      }
      expect(a.rng).toEqual(b.rng);
      expect(contRes.norm_at_grok).toBe(refRes.norm_at_grok);
    });
  }

  it("trainCell brings every seed to the cell's end and L at grok is the seed mean there", () => {
    const c = cfg({ dtype: "f64" });
    const seeds = [0, 2, 3];
    const rs = trainCell(runSeed, c, seeds);
    const tg = rs.map((r) => r.T_grok!);
    expect(tg.every((t) => t !== null)).toBe(true);
    const end = Math.max(...tg);
    for (const r of rs) {
      expect(r.steps_run).toBe(end);
      expect(r.log.map((x) => x.step)).toEqual(rs[0]!.log.map((x) => x.step));
      // logged only at step 1 and every log_every steps (no extra rows at grok)
      for (const x of r.log) expect(x.step === 1 || x.step % c.log_every === 0).toBe(true);
    }
    const med = [...tg].sort((a, b) => a - b)[1]!;
    const steps = rs[0]!.log.map((x) => x.step);
    let best = 0;
    for (let i = 1; i < steps.length; i++) if (Math.abs(steps[i]! - med) < Math.abs(steps[best]! - med)) best = i;
    const want = rs.reduce((s, r) => s + r.log[best]!.logit_scale, 0) / rs.length;
    const s = trainSummary(c, rs, 0);
    expect(s.L_step).toBe(steps[best]);
    expect(s.L_at_grok).toBeCloseTo(want, 12);
    expect(summarizeCell(cellRecordOf(c, rs)).L).toBe(s.L_at_grok);
    // the norm at the cell's end, as the paper's files hold it
    const norms = rs.map((r) => r.final!.weight_norm).sort((a, b) => a - b);
    expect(s.norm_at_grok_median).toBe(norms[1]);
  });

  it("a censored seed sends the cell to its budget", () => {
    const c = cfg({ dtype: "f64", steps: 2000 });
    const rs = trainCell(runSeed, c, [1, 3]);
    expect(rs.map((r) => r.status)).toEqual(["censored", "grokked"]);
    expect(rs.map((r) => r.steps_run)).toEqual([2000, 2000]);
  });
});
