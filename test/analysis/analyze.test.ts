// Tests for the whole-study report: cells are routed to E1-E9 by experiment, arm, model and modulus,
// the headline keys carry the per-experiment results, and inputs that allow no statistic (nothing,
// one cell, equal L, unknown experiments) give notes, never NaN or an exception.
import { describe, expect, it } from "vitest";
import { analyzeCells, reportObject } from "../../src/analysis/analyze.js";
import type { CellRecord } from "../../src/analysis/records.js";
import { cell, seeds } from "./fixtures.js";

function study(): CellRecord[] {
  const med = (arm: string, rho: number, tau: number, t: number, L: number, extra: Partial<CellRecord> = {}) =>
    cell({ id: `m/${extra.model ?? "mlp"}${arm}${tau}`, experiment: "mediation", arm, rho, tau, L, seeds: seeds([t, t + 20, t + 40]), ...extra });
  const tf = { experiment: "transformer", model: "transformer" as const };
  const dose = (rho: number, lnT: number, w: number) =>
    cell({ id: `d${rho}`, experiment: "dose", arm: "clamp", p: 43, rho, L: 10 + rho, seeds: seeds([Math.exp(lnT)], undefined, [w]) });
  const grid = (l: number, rho: number, lnT: number) => cell({ id: `g${l}`, experiment: "collapse", arm: "clamp", rho, L: l, seeds: seeds([Math.exp(lnT)]) });
  const fork = (arm: string, t: number[]) => cell({ id: `s${arm}`, experiment: "samestate", arm, rho: 1.15, t_fork: 100, seeds: seeds(t) });
  return [
    med("base", 1, 1, 100, 10),
    med("up", 1.15, 1, 380, 20),
    med("up", 1.15, 1.5, 180, 12),
    med("up", 1.15, 2, 80, 8),
    med("ctrl", 1, 1, 150, 10),
    med("base", 1, 1, 100, 10, { loss: "mse", id: "mse-base" }),
    med("up", 1.15, 1, 180, 1.1, { loss: "mse", id: "mse-up1" }),
    med("base", 1, 1, 100, 10, tf),
    med("up", 1.15, 1, 600, 20, tf),
    med("up", 1.15, 1.7, 150, 9, tf),
    dose(0.9, 0, 1),
    dose(1.0, 1, 2),
    dose(1.1, 3, 3),
    grid(1, 1, 1),
    grid(2, 1, 2),
    grid(3, 1.1, 3),
    grid(4, 1.1, 5),
    cell({ id: "a1", experiment: "alloc", arm: "alloc", gamma: -0.3, seeds: seeds([300]) }),
    cell({ id: "a2", experiment: "alloc", arm: "alloc", gamma: 0.3, seeds: seeds([100]) }),
    fork("clamp_lowered", [150, 160, 170]),
    fork("free", [200, 210, 220]),
    fork("clamp_same", [300, 300, 310]),
    fork("clamp_raised", [700, 500, 900]),
  ];
}

describe("analyzeCells", () => {
  it("produces each headline key from its experiment's cells", () => {
    const r = analyzeCells(study());
    expect(Object.keys(r.headline).sort()).toEqual(
      [
        "alpha_p43",
        "recovery_p59",
        "recovery_ci_p59",
        "collapse_R2_p59",
        "collapse_dR2_p59",
        "transformer_effect",
        "alloc_swing_p59",
        "samestate_ratio_p59",
        "samestate_ci_p59",
      ].sort(),
    );
    expect(r.headline.alpha_p43).toBeCloseTo(1.5, 12);
    // T0 120, T1 400, T2 = 150 (L0 10 between (8, 100) and (12, 200)) -> 250/280
    expect(r.headline.recovery_p59).toBeCloseTo(250 / 280, 12);
    expect(r.headline.collapse_R2_p59).toBeCloseTo(169 / 175, 12);
    expect(r.headline.transformer_effect).toBeCloseTo(620 / 170, 12);
    expect(r.headline.alloc_swing_p59).toBe(3);
    expect(r.headline.samestate_ratio_p59).toBe(3);
    expect(r.tables.tau_sweep.ce_p59!.rows).toHaveLength(4);
    expect(r.tables.mediation.mse_p59).toMatchObject({ ok: false }); // a single norm-up cell: no T2
    expect(r.tables.transformer.p59!.recovery).toMatchObject({ ok: true });
    expect(r.notes).toContain("audit: no cells of this experiment in the input");
  });

  it("gives notes, not NaN, when there is nothing or one cell", () => {
    const none = analyzeCells([]);
    expect(none.headline).toEqual({});
    expect(none.notes).toContain("mediation: no cells of this experiment in the input");
    const one = analyzeCells([cell({ experiment: "collapse", L: 3 })]);
    expect(one.headline).toEqual({});
    expect(one.notes.join("\n")).toMatch(/collapse_R2_p59: collapse grid: ln T_grok on L: a fit with 2 parameters needs at least 3 points, got 1/);
    expect(JSON.stringify(reportObject(one))).not.toMatch(/NaN|Infinity/);
  });

  it("reports equal L values and all-censored cells in the notes", () => {
    const eqL = [1, 1.05, 1.1, 1.15].map((rho, i) => cell({ id: `g${i}`, experiment: "collapse", rho, L: 7, seeds: seeds([100 * (i + 1)]) }));
    expect(analyzeCells(eqL).notes.join("\n")).toMatch(/collapse_R2_p59: .*L is the same at every point/);
    const cens = study().map((c) => ({ ...c, seeds: seeds(c.seeds.map(() => null)) }));
    const r = analyzeCells(cens);
    expect(r.headline).toEqual({});
    expect(r.notes.join("\n")).toMatch(/recovery_p59: baseline does not count: .*no seed grokked/);
    expect(r.tables.cells.every((c) => c.dropped !== null)).toBe(true);
  });

  it("lists cells of an unknown experiment without analysing them", () => {
    const r = analyzeCells([cell({ experiment: "mystery" })]);
    expect(r.notes).toContain("mystery: cells listed in tables.cells but not analysed (unknown experiment)");
    expect(r.tables.cells).toHaveLength(1);
  });

  it("puts headline keys at the top of the JSON object", () => {
    const o = reportObject(analyzeCells(study()));
    expect(Object.keys(o).slice(-2)).toEqual(["tables", "notes"]);
    expect(Array.isArray(o.recovery_ci_p59)).toBe(true);
  });
});
