// The cell record: the one shape every analysis reads, whether the cell came from the paper's
// released .npz files or from our own results store. It holds per-seed events and the seed-averaged
// logged series of one cell (one setting run over S seeds). It is data only: no statistics here
// (those are in cell-stats.ts) and no file reading (npz-cells.ts, paper-files.ts, the sweep store).
// Each record carries the resolved run config it ran with, or null and the reason it has none.

import type { LossKind, RunConfig } from "../base/config.js";

/** Experiments the analysis knows; any other string is carried along and listed, never analysed. */
export type Experiment =
  | "dose" // E1: CE, tau 1, clamp at rho * w_c over a rho sweep, per modulus (arm "clamp"; "free" = wd sweep)
  | "mediation" // E2/E4/E5: arms "base" (rho 1, tau 1), "up" (rho 1.15, tau sweep), "ctrl" (free control)
  | "collapse" // E3: rho x tau grid of clamp cells
  | "alloc" // E8: arm "alloc" with gamma set; "ctrl" the free control
  | "transformer" // E7: same arms as mediation, model "transformer"
  | "samestate" // E9: forking arms "free", "clamp_lowered", "clamp_same", "clamp_raised" ("lowered"/"same"/"raised" accepted)
  | "audit" // E6: float32 vs float64, dtype differs between otherwise equal cells
  | "cures" // E10 (docs/study.md §11): E2's arms "base"/"up" under each cure (plain CE, StableMax, ⊥Grad), read from the config
  | "optimiser" // E11 (docs/study.md §11): E3's grid, arms "grid" (lr) and "grid-lr" (lr·rho after t_int)
  | (string & {});

export type SeedStatus = "grokked" | "censored" | "diverged";

export interface SeedRecord {
  seed: number; // the seed number (npz: the seed's index in the per-seed arrays)
  T_mem: number | null; // first eval step with train acc >= 0.99; null = never reached (npz: -1)
  T_grok: number | null; // first eval step with test acc >= 0.90; null = never reached (npz: -1)
  norm_at_grok: number | null; // ||W|| where the cell's run ended (npz wn_at_grok: all seeds train until the last groks); null when the seed did not grok
  status: SeedStatus; // "grokked" iff T_grok !== null; "diverged" = non-finite loss, never imputed
  collapse_max?: number | null; // the seed's largest logged softmax-collapse rate over its run (store cells; npz files hold only the seed mean)
}

export interface CellSeries {
  step: number[]; // logged steps, increasing
  logit_scale: number[]; // L = mean over all pairs of ||z / tau||_2, seed-averaged
  weight_norm: number[]; // ||W|| over the weight matrices, seed-averaged
  frac_saturated?: number[]; // share of pairs with max softmax prob > 0.999
  collapse_rate?: number[]; // softmax-collapse rate (npz key sc_frac)
  train_acc?: number[];
  test_acc?: number[];
  norms?: Record<string, number[]>; // per-matrix norms, e.g. { E, W1, W2 } (npz wn_E, wn_W1, wn_W2)
}

export interface CellRecord {
  id: string; // stable id of this record: `cell`, plus "#experiment/arm" when one stored cell is in several experiments
  cell: string; // the cell itself: our content hash, or the npz file's path relative to the metrics folder
  source: "npz" | "store";
  experiment: Experiment;
  model: "mlp" | "transformer";
  p: number;
  loss: LossKind;
  rho: number; // clamp multiple of w_c (1 for free cells)
  tau: number; // output temperature
  gamma: number | null; // allocation clamp; null when none
  arm: string; // "clamp" | "free" | "ctrl" | "base" | "up" | "alloc" | "clamp_same" | "clamp_raised" | ...
  dtype: "f32" | "f64";
  wd: number; // weight decay lambda (dose free_wd cells vary it)
  t_fork: number | null; // forking step for samestate arms; T_grok stays an absolute step
  seeds: SeedRecord[];
  series: CellSeries; // seed-averaged logged series, all arrays the same length as `step`
  config: RunConfig | null; // the resolved config the cell ran with (npz: built from the file's keys); null: see config_reason
  config_reason: string | null; // why config is null (e.g. a key the file does not carry); null when config is set
}

/** A short human label for messages: "mediation/up p59 ce rho1.15 tau1.3". */
export function cellLabel(c: CellRecord): string {
  const g = c.gamma === null ? "" : ` g${c.gamma}`;
  const m = c.model === "mlp" ? "" : ` ${c.model}`;
  return `${c.experiment}/${c.arm}${m} p${c.p} ${c.loss} rho${c.rho} tau${c.tau}${g} ${c.dtype} [${c.id}]`;
}
