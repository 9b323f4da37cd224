// The paper's numbers (docs/study.md §7, with the finer values of §8 and the paper-data README where
// they exist) as one typed constant, each with the study's wording, and the paper's design (its
// cells, seeds and step budgets) so the report can tell a design difference from a measured one.
// Data only: no comparison logic (compare.ts, causes.ts) and no formatting.

import { PAPER_WC, type WcFamily } from "../experiments/paper-wc.js";

export type ExpId = "E1" | "E2" | "E3" | "E4" | "E5" | "E6" | "E7" | "E8" | "E9";

export type Interval = [number, number];

/** One published number: the value as printed, a finer value where one is known, and its interval. */
export interface PaperNumber {
  value: number; // as printed (docs/study.md §7)
  exact?: number; // the finer value (docs/study.md §8 / paper-data README) used for the comparison
  ci?: Interval; // as printed
  ciExact?: Interval;
}

export interface PaperAudit {
  rho: number;
  dtype: "f32" | "f64";
  T_grok: number | null; // null: did not grok within the budget
  collapse: number | null; // softmax-collapse rate; null where the paper states none
}

export const PAPER = {
  seeds: 12, // seeds per cell (docs/study.md §6)
  seedsDose: { 43: 8, 59: 16, 67: 8, 97: 16, 113: 8 } as Record<number, number>, // the released dose cells' seeds
  seedsAudit: 8, // E6: "8 seeds"
  text: {
    E1:
      "CE, τ = 1, ρ = 0.85 … 1.25 in steps of 0.05, each p in {43, 59, 67, 97, 113}. Fit ln T_grok = c + α·‖W‖ on the " +
      "collapse-free cells (ρ ≤ 1.15, cut before the first jump of L by more than 2.5×). Paper: α = 0.140 (p59), " +
      "0.126 (p67), 0.094 (p97), 0.087 (p113), R² 0.96–0.99.",
    E2:
      "Baseline (ρ 1, τ 1) → T0; norm-up (ρ 1.15, τ 1) → T1; τ ∈ {1, 1.15, 1.3, 1.5, 1.7} at ρ 1.15. T2 = T_grok at the " +
      "baseline's L0. Recovery = (T1 − T2)/(T1 − T0), 95% paired bootstrap. Paper: p59 T0 3675, T1 12600 (3.43×), recovery " +
      "0.83 [0.82, 0.85]; p97 T0 1775, T1 6050 (3.41×), recovery 0.89 [0.88, 0.91].",
    E3:
      "ρ ∈ {1, 1.05, 1.1, 1.15} × τ ∈ {1, 1.3, 1.7}. OLS with intercept of ln T_grok on L, on ρ, and on both. Paper: " +
      "R²(L) 0.968 / 0.973, R²(ρ) 0.41, ΔR² from adding ρ 0.020 / 0.011 (p59 / p97).",
    E4:
      "E2 with MSE loss (t_int 50, its own w_c). Paper: L stays near 1 (0.57–1.04) across τ; norm-up slowdown 1.89× (p59), " +
      "1.66× (p97); much of the τ effect lands on T_mem at p97.",
    E5:
      "Across the E2 τ sweep, T_mem barely moves (p59 175 → 200) and the change in T_grok is carried by the delay " +
      "(100% / 101%).",
    E6:
      "CE, τ 1, ρ ∈ {1.15, 1.25}, float32 and float64, 8 seeds, evaluation every 50, budget 60k. Paper: ρ 1.15 T_grok " +
      "12.75k (f32) vs 12.16k (f64), collapse rate 0 in both; ρ 1.25: f32 groks at 25.4k with collapse rate 0.31, f64 does " +
      "not grok within 60k.",
    E7: "Transformer without LayerNorm, p59: baseline T_grok 1238; at ρ 1.15, τ 1 → 1.7: 16112, 9525, 6525, 4712, 3462 (4.7× across τ).",
    E8: "Layer allocation, ρ 1, γ ∈ {−0.6, −0.3, 0, 0.3, 0.6}: T_grok swings 2.2× (p59), 1.7× (p97).",
    E9:
      "Forking arms, delay from the fork (p59 / p97): lowered 1525 / 1338, free 4225 / 1950, same 7200 / 6600, raised " +
      "24162 / 21600; raised/same 3.36 [3.27, 3.43] / 3.27 [3.21, 3.38], ordering monotone in 12/12 seeds.",
  } satisfies Record<ExpId, string>,
  titles: {
    E1: "E1 Dose law",
    E2: "E2 Mediation",
    E3: "E3 Collapse grid",
    E4: "E4 MSE arm",
    E5: "E5 Memorisation control",
    E6: "E6 Float64 audit",
    E7: "E7 Transformer without LayerNorm",
    E8: "E8 Layer allocation",
    E9: "E9 Forking arms",
  } satisfies Record<ExpId, string>,
  // E1: alpha by modulus; p43 is not in the paper's text, only in the paper-data README (n = 4 cells)
  alpha: {
    43: { value: 0.174, exact: 0.1736 },
    59: { value: 0.14 },
    67: { value: 0.126 },
    97: { value: 0.094 },
    113: { value: 0.087 },
  } as Record<number, PaperNumber>,
  alphaR2Range: [0.96, 0.99] as Interval,
  // E2
  mediation: {
    59: { T0: 3675, T1: 12600, slowdown: 3.43, recovery: { value: 0.83, exact: 0.833, ci: [0.82, 0.85], ciExact: [0.818, 0.852] } },
    97: { T0: 1775, T1: 6050, slowdown: 3.41, recovery: { value: 0.89, exact: 0.891, ci: [0.88, 0.91], ciExact: [0.876, 0.911] } },
  } as Record<number, { T0: number; T1: number; slowdown: number; recovery: PaperNumber }>,
  // E3 (R²(ρ) is printed once, for both moduli)
  collapse: {
    59: { r2L: 0.968, r2Rho: 0.41, dR2: 0.02 },
    97: { r2L: 0.973, r2Rho: 0.41, dR2: 0.011 },
  } as Record<number, { r2L: number; r2Rho: number; dR2: number }>,
  // E4
  mseLRange: [0.57, 1.04] as Interval, // over both moduli and every τ
  mseSlowdown: { 59: 1.89, 97: 1.66 } as Record<number, number>,
  // E5 (T_mem range printed for p59 only; delay shares for p59 / p97)
  memTMemRange: { 59: [175, 200] } as Record<number, Interval>,
  memDelayShare: { 59: 1.0, 97: 1.01 } as Record<number, number>,
  // E6
  audit: [
    { rho: 1.15, dtype: "f32", T_grok: 12750, collapse: 0 },
    { rho: 1.15, dtype: "f64", T_grok: 12160, collapse: 0 },
    { rho: 1.25, dtype: "f32", T_grok: 25400, collapse: 0.31 },
    { rho: 1.25, dtype: "f64", T_grok: null, collapse: null },
  ] as PaperAudit[],
  auditBudget: 60000,
  // E7 (p59)
  transformer: {
    p: 59,
    baseline: 1238,
    byTau: { 1: 16112, 1.15: 9525, 1.3: 6525, 1.5: 4712, 1.7: 3462 } as Record<number, number>,
    effect: 4.7,
  },
  // E8
  allocSwing: { 59: { value: 2.2, exact: 2.2 }, 97: { value: 1.7, exact: 1.72 } } as Record<number, PaperNumber>,
  // E9
  forks: {
    59: {
      delays: { clamp_lowered: 1525, free: 4225, clamp_same: 7200, clamp_raised: 24162 } as Record<string, number>,
      ratio: { value: 3.36, ci: [3.27, 3.43] } as PaperNumber,
      monotone: [12, 12] as Interval,
    },
    97: {
      delays: { clamp_lowered: 1338, free: 1950, clamp_same: 6600, clamp_raised: 21600 } as Record<string, number>,
      ratio: { value: 3.27, ci: [3.21, 3.38] } as PaperNumber,
      monotone: [12, 12] as Interval,
    },
  } as Record<number, { delays: Record<string, number>; ratio: PaperNumber; monotone: Interval }>,
} as const;

export const EXPERIMENTS: readonly ExpId[] = ["E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9"];

/** Seeds per cell in the paper for one experiment (and modulus, for the dose law). */
export function paperSeeds(e: ExpId, p?: number): number {
  if (e === "E1") return (p !== undefined ? PAPER.seedsDose[p] : undefined) ?? 8;
  return e === "E6" ? PAPER.seedsAudit : PAPER.seeds;
}

/** The label of a group of clamp cells that share one reference norm: "mlp ce p59", "dose p43", ... */
export function wcKey(experiment: string, model: string, loss: string, p: number): string {
  return experiment === "dose" ? `dose p${p}` : `${model} ${loss} p${p}`;
}

/** The fields that tell one experiment's cells apart in the paper's design. */
export type DesignDim = "p" | "rho" | "tau" | "gamma" | "arm" | "dtype";

/** One cell of a design, by those fields (arms as the released files name them: "clamp_same" …). */
export type DesignPoint = Partial<Record<DesignDim, number | string>>;

/** The paper's cells behind one published number, and how that number depends on them. */
export interface Design {
  dims: DesignDim[];
  paper: DesignPoint[];
  /** "a fit of ln T_grok over these cells": the number is a function of which cells there are */
  role: string;
}

const steps = (lo: number, n: number, d: number) => Array.from({ length: n }, (_, i) => Math.round((lo + d * i) * 100) / 100);

/** The paper's design, as its released runners and data define it (docs/study.md §7). */
export const PAPER_DESIGN = {
  /** E1: ρ = 0.85 … 1.25 per modulus; p43 also 0.75 and 0.80 (its published n = 6) */
  doseRhos: (p: number): number[] => [...(p === 43 ? [0.75, 0.8] : []), ...steps(0.85, 9, 0.05)],
  /** the dose-law fit's range: ρ ≤ 1.15 (then cut at the first jump of L) */
  doseRhoMax: 1.15,
  mediationTaus: [1, 1.15, 1.3, 1.5, 1.7],
  gridRhos: [1, 1.05, 1.1, 1.15],
  gridTaus: [1, 1.3, 1.7],
  allocGammas: [-0.6, -0.3, 0, 0.3, 0.6],
  transformerTaus: [1, 1.15, 1.3, 1.5, 1.7],
  forkArms: ["clamp_lowered", "free", "clamp_same", "clamp_raised"],
  upRho: 1.15,
} as const;

/**
 * The paper's step budget for one of its cells (docs/study.md §7): dose 15000·1.9^((ρ−1)/0.05)
 * (floored) capped per modulus, 15k for p43's added ρ < 0.85 cells; mediation baselines 40k and norm-up cells 120k; the grid 20000·1.9^((ρ−1)/0.05);
 * audit, forking arms 60k; allocation 50k; transformer 50k (baseline) and 137179 (norm-up).
 * null where the paper's budget is not known for that experiment.
 */
export function paperBudget(e: ExpId, rho: number, p: number, arm: string): number | null {
  const growth = (base: number) => Math.floor(base * Math.pow(1.9, (rho - 1) / 0.05));
  switch (e) {
    case "E1": {
      if (p === 43 && rho < 0.85 - 1e-9) return 15000; // the added low-ρ p43 cells ran with a flat 15k budget
      const cap = DOSE_CAP[p];
      return cap === undefined ? null : Math.min(cap, growth(15000));
    }
    case "E2":
    case "E4":
    case "E5":
      return arm === "base" || rho === 1 ? 40000 : 120000;
    case "E3":
      return growth(20000);
    case "E6":
      return PAPER.auditBudget;
    case "E7":
      return arm === "base" || rho === 1 ? 50000 : 137179;
    case "E8":
      return 50000;
    case "E9":
      return 60000;
  }
}

/** The released dose cells' step caps per modulus (their max_steps). */
const DOSE_CAP: Record<number, number> = { 43: 60000, 59: 300000, 67: 80000, 97: 300000, 113: 120000 };

/** The paper's w_c for such a group (its home is experiments/paper-wc.ts), or null where it published none. */
export function paperWcFor(experiment: string, model: string, loss: string, p: number): number | null {
  const family: WcFamily | null =
    experiment === "dose" ? "dose" : model === "transformer" ? (loss === "ce" ? "transformer" : null) : loss === "ce" || loss === "mse" ? loss : null;
  return family === null ? null : (PAPER_WC[family][p] ?? null);
}
