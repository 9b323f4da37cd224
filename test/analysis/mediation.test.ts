// Tests for E2 mediation and the E4/E5 tau table on hand-computed cells: T0, T1, interpolated T2,
// recovery and its paired bootstrap interval (exact here: only the baseline's seeds vary), censored
// seeds, norm-up cells that fail the half rule, and the messages when recovery is undefined.
import { describe, expect, it } from "vitest";
import { mediation } from "../../src/analysis/mediation.js";
import type { CellRecord } from "../../src/analysis/records.js";
import { tauSweep } from "../../src/analysis/tau-sweep.js";
import { cell, seeds } from "./fixtures.js";

const boot = { resamples: 4000, seed: 0, level: 0.95 };
const base = (L = 10, t: (number | null)[] = [100, 120, 140]) => cell({ arm: "base", L, seeds: seeds(t) });
const up = (tau: number, t: (number | null)[], L: number, mem?: (number | null)[]): CellRecord =>
  cell({ arm: "up", rho: 1.15, tau, L, seeds: seeds(t, mem) });
const ups = () => [up(1, [400, 400, 400], 20), up(1.5, [200, 200, 200], 12), up(2, [100, 100, 100], 8)];

describe("mediation", () => {
  it("T0 120, T1 400, T2 = 150 at L0 10 between (8, 100) and (12, 200): recovery 250/280", () => {
    const r = mediation(base(), ups(), boot, "m");
    if (!r.ok) throw new Error(r.reason);
    expect(r.value).toMatchObject({ T0: 120, T1: 400, T2: 150, L0: 10 });
    expect(r.value.recovery).toBeCloseTo(250 / 280, 12);
    expect(r.value.slowdown).toBeCloseTo(400 / 120, 12);
  });

  it("bootstraps with L fixed: only T0 varies here, over medians 100/120/140, so the CI is [250/300, 250/260]", () => {
    const r = mediation(base(), ups(), boot, "m");
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.ci).toMatchObject({ ok: true, value: { valid: 4000 } });
    if (!r.value.ci.ok) throw new Error(r.value.ci.reason);
    expect(r.value.ci.value.lo).toBeCloseTo(250 / 300, 12);
    expect(r.value.ci.value.hi).toBeCloseTo(250 / 260, 12);
    expect(mediation(base(), ups(), boot, "m")).toEqual(r); // deterministic
  });

  it("takes medians over grokked seeds; resamples that break the half rule are declined", () => {
    const u = [up(1, [400, 400, 400], 20), up(1.5, [200, null, 200], 12), up(2, [100, 100, 100], 8)];
    const r = mediation(base(), u, boot, "m");
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.T2).toBe(150);
    if (!r.value.ci.ok) throw new Error(r.value.ci.reason);
    // a resample fails the half rule when the censored seed is drawn 2 or 3 times of 3: P = 7/27, so
    // about 4000 * 20/27 = 2963 resamples are valid (binomial sd 28)
    expect(r.value.ci.value.valid).toBeGreaterThan(2963 - 3 * 28);
    expect(r.value.ci.value.valid).toBeLessThan(2963 + 3 * 28);
  });

  it("leaves out a norm-up cell that fails the half rule and lists it", () => {
    const r = mediation(base(), [...ups(), cell({ id: "bad", arm: "up", rho: 1.15, tau: 1.3, L: 11, seeds: seeds([null, null, 300]) })], boot, "m");
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.T2).toBe(150);
    expect(r.value.points.map((p) => p.tau)).toEqual([1, 1.5, 2]);
    expect(r.value.dropped[0]).toMatch(/\[bad\]: only 1 of 3 seeds grokked/);
  });

  it("clamps T2 at the ends of the norm-up cells' L, as np.interp does", () => {
    const hi = mediation(base(30), ups(), boot, "m"); // L0 above every L: T2 = T at the largest L (T1)
    if (!hi.ok) throw new Error(hi.reason);
    expect(hi.value).toMatchObject({ T2: 400, recovery: 0 });
    const lo = mediation(base(5), ups(), boot, "m"); // below every L: T2 = T at the smallest L
    if (!lo.ok) throw new Error(lo.reason);
    expect(lo.value.T2).toBe(100);
    expect(lo.value.recovery).toBeCloseTo(300 / 280, 12);
  });

  it("explains when recovery is undefined", () => {
    expect(mediation(base(), ups().slice(1), boot, "m")).toEqual({ ok: false, reason: "no counting norm-up cell at tau 1, so no T1" });
    expect(mediation(base(10, [400, 400, 400]), ups(), boot, "m")).toEqual({ ok: false, reason: "T1 equals T0: the norm increase caused no slowdown to recover" });
    expect(mediation(base(10, [null, null, null]), ups(), boot, "m")).toMatchObject({ ok: false, reason: expect.stringMatching(/baseline does not count: .*no seed grokked/) });
    expect(mediation(base(), [ups()[0]!], boot, "m")).toEqual({ ok: false, reason: "T2 needs at least two counting norm-up cells to interpolate between" });
    expect(mediation(base(), [], boot, "m")).toEqual({ ok: false, reason: "no norm-up cells" });
  });
});

describe("tauSweep", () => {
  it("the delay carries (dDelay / dT_grok) of the change: (270 - 900) / (400 - 1000) = 1.05", () => {
    const s = tauSweep(base(), [up(2, [400, 400, 400], 8, [130, 130, 130]), up(1, [1000, 1000, 1000], 20, [100, 100, 100])]);
    expect(s.rows.map((r) => [r.arm, r.tau, r.T_grok, r.T_mem, r.delay])).toEqual([
      ["base", 1, 120, 100, 20],
      ["up", 1, 1000, 100, 900],
      ["up", 2, 400, 130, 270],
    ]);
    expect(s.delayShare.ok && s.delayShare.value).toBeCloseTo(1.05, 12);
    expect(s.L_range).toEqual([8, 20]);
    expect(s.T_mem_range).toEqual([100, 130]);
  });

  it("explains an undefined share", () => {
    expect(tauSweep(null, [up(1, [5, 5, 5], 1)]).delayShare).toMatchObject({ ok: false });
    const flat = tauSweep(null, [up(1, [5, 5, 5], 1), up(2, [5, 5, 5], 1)]);
    expect(flat.delayShare).toEqual({ ok: false, reason: "T_grok does not change across the tau sweep; the delay share is undefined" });
  });
});
