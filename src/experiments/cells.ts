// Cell builders shared by the presets (presets.ts) and the experiments beyond the paper (beyond.ts):
// the step budgets, E2/E4's mediation cells and E3's ρ-τ grid. They build plain cell records; which
// experiment a cell belongs to is its caller's business.

import { paperWc } from "./paper-wc.js";
import type { Scale } from "./scale.js";

/** 15000·1.9^((ρ−1)/0.05) for the dose cells, 20000·… for the grid (docs/study.md §7), rounded up. */
export const budget = (base: number, rho: number, cap = Infinity): number => Math.min(cap, Math.ceil(base * Math.pow(1.9, (rho - 1) / 0.05)));

/** E2/E4 cells for one modulus and loss: the baseline and the ρ = 1.15 temperature sweep. */
export function mediationCells(p: number, loss: "ce" | "mse", taus: number[]): Record<string, unknown>[] {
  const wc = paperWc(loss, p);
  return [
    { p, loss, wc, rho: 1, tau: 1, steps: 40000, arm: "base", label: `${loss} p${p} base` },
    ...taus.map((tau) => ({ p, loss, wc, rho: 1.15, tau, steps: 120000, arm: "up", label: `${loss} p${p} up tau=${tau}` })),
  ];
}

/** E3 grid cells; in the quick scale the E2 cells' budgets are reused so shared cells coincide. */
export function gridCells(p: number, rhos: number[], taus: number[], scale: Scale): Record<string, unknown>[] {
  const wc = paperWc("ce", p);
  return rhos.flatMap((rho) =>
    taus.map((tau) => ({
      p, wc, rho, tau, arm: "grid", label: `p${p} rho=${rho} tau=${tau}`,
      steps: scale === "quick" ? (rho === 1 ? 40000 : 120000) : budget(20000, rho),
    })),
  );
}

