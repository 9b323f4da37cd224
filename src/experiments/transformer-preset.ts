// E7 (docs/study.md §7): the one-layer transformer without LayerNorm at p = 59 — the clamped baseline (ρ 1, τ 1)
// and the norm-up temperature sweep (ρ 1.15, τ ∈ taus) — as partial run configs with their metadata,
// in the quick and paper scales. The sweep presets (presets.ts) wire these in; this file only lists
// the cells. w_c is the paper's 32.49 unless given (a `grokscale calibrate --model transformer` value).

import type { RunConfigInput } from "../base/config.js";
import { paperWc } from "./paper-wc.js";

export type E7Scale = "quick" | "paper";

export interface E7Cell {
  experiment: "transformer";
  arm: "base" | "up";
  label: string;
  /** seeds of the cell (seeds 0 … seeds − 1) */
  seeds: number;
  config: RunConfigInput;
}

/** The paper's step budgets for these cells (its max_steps: 50000, and 20000·1.9^3 floored for ρ 1.15). */
export const E7_BUDGET = { base: 50000, up: 137179 } as const;

export const E7_TAUS: Record<E7Scale, readonly number[]> = {
  quick: [1, 1.3, 1.7],
  paper: [1, 1.15, 1.3, 1.5, 1.7],
};

/**
 * The E7 cells: quick = 4 seeds, τ {1, 1.3, 1.7}; paper = 12 seeds, τ {1, 1.15, 1.3, 1.5, 1.7}.
 * Both keep the paper's budgets: a cell stops once all its seeds grok, so the budget only bounds
 * censored seeds (the paper's slowest ρ 1.15, τ 1 seed grokked at 28225).
 */
export function e7Cells(scale: E7Scale, wc: number = paperWc("transformer", 59)): E7Cell[] {
  const seeds = scale === "quick" ? 4 : 12;
  const common: RunConfigInput = { model: "transformer", layernorm: "none", p: 59, loss: "ce", wc };
  return [
    { experiment: "transformer", arm: "base", label: "tf p59 base", seeds, config: { ...common, rho: 1, tau: 1, steps: E7_BUDGET.base } },
    ...E7_TAUS[scale].map(
      (tau): E7Cell => ({ experiment: "transformer", arm: "up", label: `tf p59 up tau=${tau}`, seeds, config: { ...common, rho: 1.15, tau, steps: E7_BUDGET.up } }),
    ),
  ];
}
