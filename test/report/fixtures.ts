// A small synthetic study for the report tests: hand-made CellRecords for every experiment (E1-E9) at
// a toy modulus, with a censored dose cell, a censored forking seed and full logged series. Test
// support only; the numbers are chosen to make the analysis' results non-trivial, not realistic.

import type { CellRecord, CellSeries, SeedRecord } from "../../src/analysis/records.js";
import { resolveConfig, type RunConfig } from "../../src/base/config.js";

export const P = 7;

/** Seeds from T_grok values (null = censored); T_mem 100 unless given. */
export function seeds(tGrok: (number | null)[], tMem: number | number[] = 100, norm: number | null = null): SeedRecord[] {
  return tGrok.map((t, i) => ({
    seed: i,
    T_grok: t,
    T_mem: Array.isArray(tMem) ? tMem[i]! : tMem,
    norm_at_grok: t === null ? null : norm === null ? null : norm + 0.01 * i,
    status: t === null ? "censored" : "grokked",
  }));
}

/** Logged series: L constant (or a function of step), norms and accuracies that move with step. */
export function series(L: number | ((s: number) => number), norm = 50, last = 6000): CellSeries {
  const step = Array.from({ length: last / 100 + 1 }, (_, i) => i * 100);
  const Lf = typeof L === "function" ? L : () => L;
  return {
    step,
    logit_scale: step.map(Lf),
    weight_norm: step.map((s) => (s < 500 ? 20 + (norm - 20) * (s / 500) : norm)),
    frac_saturated: step.map((s) => Math.min(1, s / last)),
    collapse_rate: step.map(() => 0),
    train_acc: step.map((s) => Math.min(1, s / 300)),
    test_acc: step.map((s) => Math.min(1, s / 3000)),
    norms: { E: step.map(() => norm * 0.4), W1: step.map(() => norm * 0.7), W2: step.map(() => norm * 0.5) },
  };
}

const CLAMPED_ARMS = new Set(["clamp", "base", "up", "alloc"]);
const FORK_ARMS: Record<string, RunConfig["fork_arm"]> = { free: "free", clamp_same: "same", clamp_raised: "raised", clamp_lowered: "lowered" };

/** The run config a synthetic cell stands for: the clamp at `wc` on clamped arms, free otherwise. */
export function configFor(c: Omit<CellRecord, "config" | "config_reason">, wc: number | null): RunConfig {
  const fork = c.t_fork !== null;
  return resolveConfig({
    p: c.p, model: c.model, loss: c.loss, tau: c.tau, rho: fork ? 1 : c.rho, gamma: c.gamma, dtype: c.dtype, wd: c.wd,
    wc: fork || !CLAMPED_ARMS.has(c.arm) ? null : wc,
    ...(c.gamma === null ? {} : { theta0: 0.5, f_w1: 0.5 }),
    ...(fork ? { fork_at: c.t_fork, fork_arm: FORK_ARMS[c.arm] ?? "free" } : {}),
  });
}

/**
 * A synthetic cell; its config's w_c is `wc`, by default the series' last ‖W‖ over ρ (the series here
 * are built at ‖W‖ = ρ·w_c after t_int, as a clamp holds it).
 */
export function mk(over: Partial<CellRecord> & { experiment: string; arm: string; wc?: number }): CellRecord {
  const { wc, ...fields } = over;
  const id = over.id ?? `syn/${over.experiment}_${over.arm}_${over.loss ?? "ce"}_rho${over.rho ?? 1}_tau${over.tau ?? 1}${over.gamma == null ? "" : `_g${over.gamma}`}${over.dtype === "f64" ? "_f64" : ""}`;
  const c: Omit<CellRecord, "config" | "config_reason"> = {
    id,
    cell: id,
    source: "store",
    model: "mlp",
    p: P,
    loss: "ce",
    rho: 1,
    tau: 1,
    gamma: null,
    dtype: "f32",
    wd: 1,
    t_fork: null,
    seeds: seeds([1000, 1100, 1200]),
    series: series(10),
    ...fields,
  };
  if (fields.config !== undefined) return { ...c, config: fields.config, config_reason: fields.config_reason ?? null };
  const w = c.series.weight_norm;
  return { ...c, config: configFor(c, wc ?? w[w.length - 1]! / c.rho), config_reason: null };
}

/** Every experiment at p 7, 3 seeds per cell. */
export function syntheticStudy(): CellRecord[] {
  const cells: CellRecord[] = [];
  // E2 / E5: CE mediation; L0 = 10 lies between the tau 1.3 and tau 1.7 cells' L
  cells.push(mk({ experiment: "mediation", arm: "base", seeds: seeds([1000, 1100, 1200], [90, 100, 110]), series: series(10, 45) }));
  const ceUp: Array<[number, number[], number]> = [[1, [2900, 3000, 3100], 14], [1.3, [1900, 2000, 2100], 11.5], [1.7, [850, 900, 950], 9]];
  for (const [tau, t, L] of ceUp) cells.push(mk({ experiment: "mediation", arm: "up", rho: 1.15, tau, seeds: seeds(t, [100, 110, 120]), series: series(L, 1.15 * 45) }));
  // E4: MSE mediation; L stays near 1
  cells.push(mk({ experiment: "mediation", arm: "base", loss: "mse", seeds: seeds([800, 850, 900], 300), series: series(1, 30) }));
  const mseUp: Array<[number, number[], number]> = [[1, [1500, 1600, 1700], 1.02], [1.3, [1300, 1400, 1500], 0.98], [1.7, [1200, 1250, 1300], 0.9]];
  for (const [tau, t, L] of mseUp) cells.push(mk({ experiment: "mediation", arm: "up", loss: "mse", rho: 1.15, tau, seeds: seeds(t, [350, 360, 370]), series: series(L, 1.15 * 30) }));
  // E3: collapse grid, 3 rho x 2 tau, ln T roughly linear in L
  for (const [rho, tau, L, T] of [[1, 1, 10, 1100], [1, 1.5, 7, 600], [1.05, 1, 11.5, 1500], [1.05, 1.5, 8, 800], [1.1, 1, 13, 2300], [1.1, 1.5, 9.2, 1000]] as const) {
    cells.push(mk({ experiment: "collapse", arm: "clamp", rho, tau, seeds: seeds([T - 50, T, T + 60]), series: series(L, rho * 45) }));
  }
  // E1: dose law, 5 rho; the last cell censored in every seed
  const dose: Array<[number, (number | null)[]]> = [[0.9, [700, 720, 760]], [0.95, [900, 950, 1000]], [1, [1200, 1250, 1280]], [1.05, [1600, 1700, 1750]], [1.1, [null, null, null]]];
  for (const [rho, t] of dose) cells.push(mk({ experiment: "dose", arm: "clamp", rho, seeds: seeds(t, 100, 40 * rho), series: series(10 * rho, 40 * rho) }));
  cells.push(mk({ experiment: "dose", arm: "free", wd: 2, seeds: seeds([600, 650, 700], 100, 38), series: series(9, 38) }));
  // E6: float32 vs float64 audit
  cells.push(mk({ experiment: "audit", arm: "clamp", rho: 1.15, seeds: seeds([3000, 3100, 3200]), series: { ...series(14, 52), collapse_rate: series(14).step.map(() => 0) } }));
  cells.push(mk({ experiment: "audit", arm: "clamp", rho: 1.15, dtype: "f64", seeds: seeds([2900, 3000, 3300]), series: series(14, 52) }));
  // E7: transformer
  cells.push(mk({ experiment: "transformer", arm: "base", model: "transformer", seeds: seeds([500, 520, 540]), series: series(8, 30) }));
  for (const [tau, t, L] of [[1, [2000, 2100, 2200], 12], [1.7, [600, 650, 700], 7]] as Array<[number, number[], number]>) {
    cells.push(mk({ experiment: "transformer", arm: "up", model: "transformer", rho: 1.15, tau, seeds: seeds(t), series: series(L, 34) }));
  }
  // E8: allocation
  for (const [gamma, t] of [[-0.3, [1500, 1600, 1700]], [0, [1100, 1150, 1200]], [0.3, [700, 750, 800]]] as Array<[number, number[]]>) {
    cells.push(mk({ experiment: "alloc", arm: "alloc", gamma, seeds: seeds(t), series: series(10, 45) }));
  }
  // E9: forking arms at t_fork 800; one raised seed censored
  const arms: Array<[string, (number | null)[]]> = [["clamp_lowered", [1300, 1350, 1400]], ["free", [1900, 2000, 2100]], ["clamp_same", [2800, 2900, 3000]], ["clamp_raised", [6000, 6400, null]]];
  for (const [arm, t] of arms) {
    const s = series(12, 50);
    cells.push(mk({ experiment: "samestate", arm, t_fork: 800, seeds: seeds(t, 100), series: { ...s, step: s.step.map((x) => x + 801) } }));
  }
  return cells;
}
