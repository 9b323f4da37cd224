// Tests for E3 (collapse grid), E6 (audit table), E7 (transformer tau effect), E8 (allocation
// swing) and E9 (forking arms) on hand-computed cells, with the messages for degenerate inputs:
// one cell, equal L values, all seeds censored, a missing arm.
import { describe, expect, it } from "vitest";
import { allocSwing } from "../../src/analysis/alloc.js";
import { auditTable } from "../../src/analysis/audit.js";
import { collapseGrid } from "../../src/analysis/collapse.js";
import type { CellRecord } from "../../src/analysis/records.js";
import { forkingArms } from "../../src/analysis/samestate.js";
import { tauEffect } from "../../src/analysis/transformer.js";
import { cell, seeds } from "./fixtures.js";

const boot = { resamples: 4000, seed: 0, level: 0.95 };

describe("collapseGrid", () => {
  const grid = (L: number[], rho: number[], lnT: number[]) =>
    L.map((l, i) => cell({ experiment: "collapse", arm: "clamp", rho: rho[i]!, L: l, seeds: seeds([Math.exp(lnT[i]!)]) }));

  it("R^2 on L 169/175, on rho 5/7, on both 34/35 (so dR^2 = 34/35 - 169/175)", () => {
    // L 1 2 3 4, rho 1 1 1.1 1.1, ln T 1 2 3 5: on L, Sxy 6.5, Sxx 5, TSS 8.75 -> R^2 = 6.5^2/5/8.75;
    // on rho the fit is the two group means (1.5, 4) -> RSS 2.5; on both the residuals are +-0.25
    const r = collapseGrid(grid([1, 2, 3, 4], [1, 1, 1.1, 1.1], [1, 2, 3, 5]));
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.n).toBe(4);
    expect(r.value.r2L).toBeCloseTo(169 / 175, 12);
    expect(r.value.r2Rho).toBeCloseTo(5 / 7, 12);
    expect(r.value.r2Both).toBeCloseTo(34 / 35, 12);
    expect(r.value.dR2).toBeCloseTo(34 / 35 - 169 / 175, 12);
  });

  it("leaves out cells that fail the half rule", () => {
    const cells = [...grid([1, 2, 3, 4], [1, 1, 1.1, 1.1], [1, 2, 3, 5]), cell({ id: "cens", experiment: "collapse", L: 9, rho: 1.15, seeds: seeds([null, null]) })];
    const r = collapseGrid(cells);
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.n).toBe(4);
    expect(r.value.dropped[0]).toMatch(/\[cens\]: no seed grokked/);
  });

  it("gives messages for one cell, equal L values and an all-censored grid", () => {
    const one = collapseGrid(grid([1], [1], [1]));
    expect(one).toEqual({ ok: false, reason: "collapse grid: ln T_grok on L: a fit with 2 parameters needs at least 3 points, got 1 (1 counting cells)" });
    const eqL = collapseGrid(grid([5, 5, 5, 5], [1, 1.05, 1.1, 1.15], [1, 2, 3, 5]));
    expect(eqL).toEqual({ ok: false, reason: "collapse grid: ln T_grok on L: L is the same at every point; its slope is undefined (4 counting cells)" });
    const cens = collapseGrid([1, 2, 3].map((l) => cell({ experiment: "collapse", L: l, seeds: seeds([null, null]) })));
    expect(cens.ok).toBe(false);
    if (!cens.ok) expect(cens.reason).toMatch(/got 0 \(0 counting cells\)/);
  });
});

describe("allocSwing", () => {
  const ac = (gamma: number | null, t: (number | null)[]) => cell({ experiment: "alloc", arm: gamma === null ? "ctrl" : "alloc", gamma, seeds: seeds(t) });

  it("is max over min of T_grok across counting gamma cells; the control is not a gamma cell", () => {
    const r = allocSwing([ac(-0.3, [300, 300]), ac(0, [200, 200]), ac(0.3, [600, 500, null]), ac(0.6, [10, null, null]), ac(null, [5000])]);
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.swing).toBe(550 / 200);
    expect([r.value.argmax, r.value.argmin]).toEqual([0.3, 0]);
    expect(r.value.rows.find((x) => x.gamma === 0.6)!.dropped).toMatch(/only 1 of 3/);
  });

  it("needs two counting gamma cells", () => {
    expect(allocSwing([ac(0, [200]), ac(0.3, [null])])).toEqual({ ok: false, reason: "allocation swing needs at least two counting gamma cells, got 1" });
  });
});

describe("tauEffect", () => {
  it("is T_grok at the lowest tau over T_grok at the highest", () => {
    const up = (tau: number, t: number[]) => cell({ experiment: "transformer", model: "transformer", arm: "up", rho: 1.15, tau, seeds: seeds(t) });
    const r = tauEffect(cell({ arm: "base", seeds: seeds([50, 70]) }), [up(1.7, [100, 140]), up(1, [500, 540]), up(1.3, [300])]);
    if (!r.ok) throw new Error(r.reason);
    expect(r.value).toMatchObject({ effect: 520 / 120, tauLo: 1, tauHi: 1.7, baseline_T_grok: 60 });
    expect(tauEffect(null, [up(1, [5])])).toMatchObject({ ok: false });
  });
});

describe("forkingArms", () => {
  const arm = (name: string, t: (number | null)[], tFork: number | null = 100): CellRecord =>
    cell({ id: name, experiment: "samestate", arm: name, rho: 1.15, t_fork: tFork, seeds: seeds(t) });
  const four = (free2 = 220) => [
    arm("clamp_raised", [700, 500, 900]),
    arm("free", [200, 210, free2]),
    arm("clamp_lowered", [150, 160, 170]),
    arm("clamp_same", [300, 300, 310]),
  ];

  it("counts delays from the fork: raised (600) over same (200) is 3; all 3 seeds monotone", () => {
    const r = forkingArms(four(), boot, "f");
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.arms.map((a) => [a.arm, a.delay])).toEqual([
      ["clamp_lowered", 60],
      ["free", 110],
      ["clamp_same", 200],
      ["clamp_raised", 600],
    ]);
    expect(r.value.ratio).toBe(3);
    expect(r.value.monotone).toEqual({ ok: true, value: { count: 3, of: 3, arms: ["clamp_lowered", "free", "clamp_same", "clamp_raised"] } });
    if (!r.value.ci.ok) throw new Error(r.value.ci.reason);
    // resampled medians: raised delay in {400, 600, 800}, same in {200, 210} -> ratio within [400/210, 4]
    expect(r.value.ci.value.lo).toBeGreaterThanOrEqual(400 / 210 - 1e-12);
    expect(r.value.ci.value.hi).toBeLessThanOrEqual(4 + 1e-12);
  });

  it("a seed out of order, or censored in any arm, is not monotone", () => {
    const r = forkingArms(four(400), boot, "f"); // seed 2: free delay 300 > same delay 210
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.monotone).toMatchObject({ ok: true, value: { count: 2 } });
    const c = four();
    c[0] = arm("clamp_raised", [700, null, 900]);
    const r2 = forkingArms(c, boot, "f");
    if (!r2.ok) throw new Error(r2.reason);
    expect(r2.value.monotone).toMatchObject({ ok: true, value: { count: 2 } });
  });

  it("accepts the short arm names lowered, same, raised", () => {
    const short = four().map((c) => ({ ...c, arm: c.arm.replace("clamp_", "") }));
    const r = forkingArms(short, boot, "f");
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.ratio).toBe(3);
    expect(r.value.arms.map((a) => a.arm)).toEqual(["clamp_lowered", "free", "clamp_same", "clamp_raised"]);
  });

  it("explains a missing arm, a missing fork step, and an all-censored arm", () => {
    expect(forkingArms(four().slice(0, 3), boot, "f")).toEqual({ ok: false, reason: "the raised/same ratio needs both a clamp_raised and a clamp_same arm" });
    const nf = four();
    nf[1] = arm("free", [1, 2, 3], null);
    expect(forkingArms(nf, boot, "f")).toEqual({ ok: false, reason: "free: a forking arm without t_fork" });
    const cens = four();
    cens[3] = arm("clamp_same", [null, null, null]);
    expect(forkingArms(cens, boot, "f")).toEqual({ ok: false, reason: "no seed grokked in both the clamp_raised and the clamp_same arm" });
  });

  it("reads raised/same over the seeds where both arms grokked (the paper's rule)", () => {
    const c = four();
    c[0] = arm("clamp_raised", [700, null, 900]);
    const r = forkingArms(c, boot, "f");
    if (!r.ok) throw new Error(r.reason);
    // seeds 0 and 2: raised delays 600, 800 (median 700); same delays 200, 210 (median 205)
    expect(r.value.ratio).toBeCloseTo(700 / 205, 12);
  });
});

describe("auditTable", () => {
  it("lists T_grok and the collapse rate at grok and at its peak, per rho and dtype", () => {
    const step = [0, 100, 200, 300];
    const mk = (dtype: "f32" | "f64", t: (number | null)[], cr: number[]) =>
      cell({ experiment: "audit", rho: 1.25, dtype, seeds: seeds(t), series: { step, logit_scale: [1, 2, 3, 4], weight_norm: [1, 1, 1, 1], collapse_rate: cr } });
    const rows = auditTable([mk("f64", [null, null], [0, 0, 0, 0]), mk("f32", [200, 220], [0, 0.1, 0.31, 0.2])]);
    expect(rows.map((r) => [r.dtype, r.nGrokked, r.T_grok, r.collapse_at_grok, r.collapse_max])).toEqual([
      ["f32", 2, 210, 0.31, 0.31],
      ["f64", 0, null, null, 0],
    ]);
    expect(rows[1]!.dropped).toMatch(/no seed grokked/);
    expect(rows[0]!.collapse_of).toBe("seed-mean series peak");
  });

  it("with per-seed rates, reports the seed mean of each seed's largest rate over its run (the paper's audit)", () => {
    const step = [0, 100, 200, 300];
    const c = cell({ experiment: "audit", rho: 1.25, dtype: "f32", seeds: seeds([200, 220]), series: { step, logit_scale: [1, 2, 3, 4], weight_norm: [1, 1, 1, 1], collapse_rate: [0, 0.1, 0.31, 0.2] } });
    c.seeds[0]!.collapse_max = 0.2;
    c.seeds[1]!.collapse_max = 0.5;
    const [row] = auditTable([c]);
    expect(row!.collapse_max).toBeCloseTo(0.35, 15);
    expect(row!.collapse_of).toBe("per-seed max, seed mean");
    expect(row!.collapse_at_grok).toBe(0.31);
  });
});
