// E10 and E11 cells made by hand for the report and dashboard tests: one cure's E2-shaped cells (base
// ρ 1 τ 1, norm-up ρ 1.15 over τ) with a run config that names the cure, and one learning-rate arm's
// 2×3 grid. Four seeds each, spread so that intervals are defined. Test support only.

import type { CellRecord } from "../../src/analysis/records.js";
import { resolveConfig } from "../../src/base/config.js";
import { cell, seeds } from "../analysis/fixtures.js";

const cfg = (over: Record<string, unknown>) => resolveConfig({ p: 59, wc: 54.49, ...over });
const spread = (t: number) => seeds([t, t * 1.1, t * 1.2, t * 0.9]);

/** A cure's E2-shaped cells; `k` scales the norm-up cells' T_grok, `t15` the τ = 1.5 cell's. */
export function cure(name: "ce" | "stablemax" | "orthograd", k: number, t15 = 180): CellRecord[] {
  const extra = name === "stablemax" ? { loss: "stablemax" } : name === "orthograd" ? { orthograd: true } : {};
  const mk = (arm: string, rho: number, tau: number, t: number, L: number) =>
    cell({ id: `${name}/${arm}${tau}`, experiment: "cures", arm, rho, tau, L, loss: name === "stablemax" ? "stablemax" : "ce", seeds: spread(t), config: cfg({ rho, tau, ...extra }), config_reason: null });
  return [mk("base", 1, 1, 100, 10), mk("up", 1.15, 1, 380 * k, 20), mk("up", 1.15, 1.5, t15 * k, 12), mk("up", 1.15, 2, 80 * k, 8)];
}

export function grid(arm: "grid" | "grid-lr", f: number): CellRecord[] {
  const mk = (rho: number, tau: number, t: number, L: number) =>
    cell({ id: `${arm}/${rho}/${tau}`, experiment: "optimiser", arm, rho, tau, L, seeds: spread(t), config: cfg({ rho, tau, ...(arm === "grid-lr" && rho !== 1 ? { lr_scale_with_rho: true } : {}) }), config_reason: null });
  return [mk(1, 1, 100, 10), mk(1, 1.5, 60, 7), mk(1, 2, 40, 5), mk(1.15, 1, 400 * f, 20), mk(1.15, 1.5, 200 * f, 13 - f), mk(1.15, 2, 90 * f, 9)];
}

