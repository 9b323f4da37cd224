// The experiments beyond the paper (docs/study.md §11). E10: does temperature mediation survive the
// cures for softmax collapse? E2's cells at p = 59 (baseline, and ρ = 1.15 × τ) under StableMax
// cross-entropy and under CE with ⊥Grad, beside plain CE (the same configs as E2's, so a store that
// has E2 runs them once). E11: the optimiser's share: E3's ρ-τ grid at p = 59 with and without the
// learning rate scaled by ρ under the clamp.

import { CURES, type Cure } from "../base/cure.js";
import { gridCells, mediationCells } from "./cells.js";
import type { PresetExperiment, Scale } from "./scale.js";

const TAUS = [1, 1.3, 1.7];

export { CURES, cureOf, type Cure } from "../base/cure.js";

const MINI = { p: 23, train_frac: 0.8, d_embed: 32, hidden: 64, lr: 3e-3, wc: 28, t_int: 100, log_every: 100 };

/** E10's cells for one cure, from E2's CE cells at p = 59 (mini: the miniature's). */
function cureCells(scale: Scale, cure: Cure): Record<string, unknown>[] {
  const cells =
    scale === "mini"
      ? [
          { ...MINI, rho: 1, tau: 1, steps: 3000, arm: "base", label: "mini base" },
          { ...MINI, rho: 1.15, tau: 1, steps: 4000, arm: "up", label: "mini up tau=1" },
          { ...MINI, rho: 1.15, tau: 1.7, steps: 4000, arm: "up", label: "mini up tau=1.7" },
        ]
      : mediationCells(59, "ce", TAUS);
  const extra = cure === "stablemax" ? { loss: "stablemax" } : cure === "orthograd" ? { orthograd: true } : {};
  return cells.map((c) => ({ ...c, ...extra, label: `${cure} ${String(c["label"]).replace(/^ce /, "")}` }));
}

export function cures(scale: Scale): PresetExperiment {
  return {
    id: "E10",
    title: "Mediation under the cures for softmax collapse (StableMax, ⊥Grad)",
    spec: {
      name: "e10-cures",
      experiment: "cures",
      seeds: scale === "paper" ? 12 : scale === "quick" ? 4 : 2,
      cells: CURES.flatMap((cure) => cureCells(scale, cure)),
    },
  };
}

export function optimiser(scale: Scale): PresetExperiment {
  const grid =
    scale === "mini"
      ? [1, 1.15].flatMap((rho) => [1, 1.7].map((tau) => ({ ...MINI, rho, tau, steps: rho === 1 ? 3000 : 4000, arm: "grid", label: `mini rho=${rho} tau=${tau}` })))
      : gridCells(59, scale === "paper" ? [1, 1.05, 1.1, 1.15] : [1, 1.15], TAUS, scale);
  // at ρ = 1 the scaled learning rate is lr itself: those cells run once, shared by both arms
  const scaled = grid.map((c) =>
    c["rho"] === 1 ? { ...c, arm: "grid-lr" } : { ...c, lr_scale_with_rho: true, arm: "grid-lr", label: `${String(c["label"])} lr·rho` },
  );
  return {
    id: "E11",
    title: "The optimiser's share: the ρ-τ grid with the learning rate scaled by ρ",
    spec: { name: "e11-optimiser", experiment: "optimiser", seeds: scale === "paper" ? 12 : scale === "quick" ? 4 : 2, cells: [...grid, ...scaled] },
  };
}
