// E10 and E11 on hand-made cells: routing by cure and by learning-rate arm (and no cell beyond the
// paper in E2/E3's groups), the cures' recovery and ln T_grok-on-L fits against numbers worked by hand,
// E11's grid fits and recovery per arm, and reasons (never NaN) where a statistic cannot be computed.
import { describe, expect, it } from "vitest";
import { analyzeCells } from "../../src/analysis/analyze.js";
import type { CellRecord } from "../../src/analysis/records.js";
import { routeCells } from "../../src/analysis/routing.js";
import { resolveConfig } from "../../src/base/config.js";
import { cell, seeds } from "./fixtures.js";

const cfg = (over: Record<string, unknown>) => resolveConfig({ p: 59, wc: 54.49, ...over });

/** One cure's four cells (E2's shape): base T (t, t+20, t+40), ups at ρ 1.15 over τ 1, 1.5, 2. */
function cure(name: "ce" | "stablemax" | "orthograd", k: number, experiment = "cures"): CellRecord[] {
  const extra = name === "stablemax" ? { loss: "stablemax" } : name === "orthograd" ? { orthograd: true } : {};
  const mk = (arm: string, rho: number, tau: number, t: number, L: number) =>
    cell({
      id: `${experiment}/${name}/${arm}${tau}`, experiment, arm, rho, tau, L, loss: name === "stablemax" ? "stablemax" : "ce",
      seeds: seeds([t, t + 20, t + 40]), config: cfg({ rho, tau, ...extra }), config_reason: null,
    });
  return [mk("base", 1, 1, 100, 10), mk("up", 1.15, 1, 380 * k, 20), mk("up", 1.15, 1.5, 180 * k, 12), mk("up", 1.15, 2, 80 * k, 8)];
}

/** r² of y on x by the textbook formula (correlation squared), independent of the code under test. */
function r2(x: number[], y: number[]): number {
  const m = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = m(x), my = m(y);
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return (sxy * sxy) / (sxx * syy);
}

describe("routing of E10 and E11", () => {
  it("groups E10 by cure and E11 by arm, and keeps cells beyond the paper out of E2 and E3", () => {
    const strayMed = cell({ id: "stray-med", experiment: "mediation", arm: "up", rho: 1.15, config: cfg({ rho: 1.15, orthograd: true }), config_reason: null });
    const strayGrid = cell({ id: "stray-grid", experiment: "collapse", arm: "grid", rho: 1.15, config: cfg({ rho: 1.15, lr_scale_with_rho: true }), config_reason: null });
    const strayLoss = cell({ id: "stray-sm", experiment: "mediation", arm: "base", loss: "stablemax" });
    const opt = (arm: string, rho: number, lr: boolean) =>
      cell({ id: `o/${arm}${rho}`, experiment: "optimiser", arm, rho, config: cfg({ rho, ...(lr ? { lr_scale_with_rho: true } : {}) }), config_reason: null });
    const cells = [
      ...cure("ce", 1), ...cure("stablemax", 1), ...cure("orthograd", 1), ...cure("ce", 1, "mediation"),
      strayMed, strayGrid, strayLoss, opt("grid", 1, false), opt("grid", 1.15, false), opt("grid-lr", 1, false), opt("grid-lr", 1.15, true), opt("other", 1, false),
      cell({ id: "g", experiment: "collapse", arm: "grid" }),
    ];
    const r = routeCells(cells);
    expect([...r.cures.keys()].sort()).toEqual(["ce_p59", "orthograd_p59", "stablemax_p59"]);
    for (const g of r.cures.values()) expect(g.cells.map((c) => c.id)).toEqual(cure(g.cure, 1).map((c) => c.id));
    expect(r.cures.get("stablemax_p59")!.cure).toBe("stablemax");
    expect(r.mediation.get("ce_p59")!.cells.map((c) => c.id)).toEqual(cure("ce", 1, "mediation").map((c) => c.id));
    expect(r.collapse.get(59)!.map((c) => c.id)).toEqual(["g"]);
    expect(r.optimiser.get("grid_p59")!.cells.map((c) => c.id)).toEqual(["o/grid1", "o/grid1.15"]);
    expect(r.optimiser.get("grid-lr_p59")!.cells.map((c) => c.id)).toEqual(["o/grid-lr1", "o/grid-lr1.15"]);
    expect(r.unrouted.map((u) => u.cell.id).sort()).toEqual(["o/other1", "stray-grid", "stray-med", "stray-sm"]);
    expect(r.unrouted.find((u) => u.cell.id === "stray-med")!.why).toMatch(/orthograd/);
  });
});

describe("E10 cures", () => {
  it("gives each cure E2's statistics, and plain CE's equal E2's on the same cells", () => {
    const r = analyzeCells([...cure("ce", 1), ...cure("stablemax", 2), ...cure("orthograd", 1), ...cure("ce", 1, "mediation")]);
    // stablemax: T0 120, T1 = 780, ups (L, T): (8, 180), (12, 380), (20, 780); T2 at L0 10 = 280 → (780 − 280)/(780 − 120)
    const sm = r.tables.cures["stablemax_p59"]!;
    expect(sm.recovery.ok && sm.recovery.value.T0).toBe(120);
    expect(sm.recovery.ok && sm.recovery.value.T1).toBe(780);
    expect(r.headline["cures_recovery_stablemax_p59"]).toBeCloseTo(500 / 660, 12);
    expect(sm.cells.map((c) => c.L)).toEqual([10, 20, 12, 8]);
    expect(r.headline["cures_R2L_stablemax_p59"]).toBeCloseTo(r2([10, 20, 12, 8], [120, 780, 380, 180].map(Math.log)), 12);
    // plain CE under E10 is E2's cells: same recovery and the same interval (one bootstrap stream)
    expect(r.headline["cures_recovery_ce_p59"]).toBe(r.headline["recovery_p59"]);
    expect(r.headline["cures_recovery_ci_ce_p59"]).toEqual(r.headline["recovery_ci_p59"]);
    expect(r.headline["cures_recovery_ci_stablemax_p59"]).not.toEqual(r.headline["recovery_ci_p59"]);
  });

  it("gives a reason, not a number, when too few seeds grok", () => {
    const cells = cure("orthograd", 1).map((c) => (c.arm === "base" ? { ...c, seeds: seeds([100, null, null]) } : c));
    const r = analyzeCells(cells);
    expect(r.tables.cures["orthograd_p59"]!.recovery).toMatchObject({ ok: false });
    expect(r.headline["cures_recovery_orthograd_p59"]).toBeUndefined();
    expect(r.notes.join("\n")).toMatch(/cures_recovery_orthograd_p59: baseline does not count: .*only 1 of 3 seeds grokked/);
    // ln T_grok on L still has the three counting norm-up cells
    expect(r.headline["cures_R2L_orthograd_p59"]).toBeCloseTo(r2([20, 12, 8], [400, 200, 100].map(Math.log)), 12);
  });
});

describe("E11 optimiser", () => {
  /** A 2×3 grid (ρ 1, 1.15 × τ 1, 1.5, 2) for one arm; lr·ρ arms share the ρ 1 cells' T. */
  function arm(name: "grid" | "grid-lr", tUp: number[], lUp: number[]): CellRecord[] {
    const mk = (rho: number, tau: number, t: number, L: number) =>
      cell({
        id: `o/${name}/${rho}/${tau}`, experiment: "optimiser", arm: name, rho, tau, L, seeds: seeds([t, t, t]),
        config: cfg({ rho, tau, ...(name === "grid-lr" && rho !== 1 ? { lr_scale_with_rho: true } : {}) }), config_reason: null,
      });
    return [mk(1, 1, 100, 10), mk(1, 1.5, 60, 7), mk(1, 2, 40, 5), ...[1, 1.5, 2].map((tau, i) => mk(1.15, tau, tUp[i]!, lUp[i]!))];
  }

  it("fits E3's regressions and E2's recovery per arm", () => {
    const grid = arm("grid", [400, 200, 90], [20, 12, 9]);
    const lr = arm("grid-lr", [300, 150, 70], [18, 11, 8]);
    const r = analyzeCells([...grid, ...lr]);
    const L = [10, 7, 5, 20, 12, 9];
    const T = [100, 60, 40, 400, 200, 90];
    expect(r.headline["optimiser_R2L_grid_p59"]).toBeCloseTo(r2(L, T.map(Math.log)), 12);
    expect(r.headline["optimiser_R2L_grid-lr_p59"]).toBeCloseTo(r2([10, 7, 5, 18, 11, 8], [100, 60, 40, 300, 150, 70].map(Math.log)), 12);
    const g = r.tables.optimiser["grid_p59"]!.grid;
    expect(g.ok && g.value.dR2).toBeCloseTo(g.ok ? g.value.r2Both - g.value.r2L : NaN, 12);
    expect(g.ok && g.value.r2Rho).toBeCloseTo(r2([1, 1, 1, 1.15, 1.15, 1.15], T.map(Math.log)), 12);
    // grid: T0 100, T1 400, T2 at L0 10 on (9, 90), (12, 200), (20, 400) = 90 + 110/3 → (400 − T2)/300
    expect(r.headline["optimiser_recovery_grid_p59"]).toBeCloseTo((400 - (90 + 110 / 3)) / 300, 12);
    // grid-lr: T1 300, T2 at L0 10 on (8, 70), (11, 150), (18, 300) = 70 + 80·2/3 → (300 − T2)/200
    expect(r.headline["optimiser_recovery_grid-lr_p59"]).toBeCloseTo((300 - (70 + 160 / 3)) / 200, 12);
  });

  it("refuses an arm whose cells disagree on the learning-rate rule", () => {
    const lr = arm("grid-lr", [300, 150, 70], [18, 11, 8]).map((c) => (c.rho === 1.15 && c.tau === 2 ? { ...c, config: cfg({ rho: 1.15, tau: 2 }) } : c));
    const r = analyzeCells(lr);
    const o = r.tables.optimiser["grid-lr_p59"]!;
    expect(o.grid).toMatchObject({ ok: false });
    expect(o.recovery.ok ? "" : o.recovery.reason).toMatch(/does not scale lr by rho, unlike the rest of arm grid-lr/);
    expect(r.headline["optimiser_R2L_grid-lr_p59"]).toBeUndefined();
  });
});
