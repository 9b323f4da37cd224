// Calibration from the free control (no clamp, λ = 1) as the paper's runner does it (docs/study.md):
// the control trained as one cell to its last grok; w_c the median over grokked seeds of ‖W‖ there;
// (f_E, f_W1, f_W2) the seed-mean per-matrix norms at its last logged step over their root sum of
// squares; θ0 = f_W2² / (f_E² + f_W2²). The one calibration, for `calibrate` and `reproduce`.

import { median } from "../analysis/stats.js";
import type { CellRecord } from "../analysis/records.js";
import type { RunConfig } from "../base/config.js";
import { trainCell } from "./cell-end.js";
import { cellRecordOf } from "./summary.js";
import { runSeed } from "./trainer.js";

export interface Calibration {
  wc: number | null;
  theta0: number | null;
  /** (f_E, f_W1, f_W2), unit root sum of squares; null without per-matrix norms */
  base_frac: [number, number, number] | null;
  /** the logged step the fractions were read at */
  frac_step: number | null;
  n_grokked: number;
  seeds: Array<{ seed: number; T_grok: number | null; norm_at_end: number | null }>;
}

/** The calibration read from a trained control cell (all seeds trained to the cell's end). */
export function calibrationOf(cell: CellRecord, embedding = "E"): Calibration {
  const grokked = cell.seeds.filter((s) => s.T_grok !== null && s.norm_at_grok !== null);
  const wc = grokked.length ? median(grokked.map((s) => s.norm_at_grok!)) : null;
  const { step, norms } = cell.series;
  const i = step.length - 1;
  const at = (name: string): number | undefined => (i >= 0 ? norms?.[name]?.[i] : undefined);
  const nE = at(embedding);
  const n1 = at("W1");
  const n2 = at("W2");
  let base_frac: Calibration["base_frac"] = null;
  let theta0: number | null = null;
  if (nE !== undefined && n1 !== undefined && n2 !== undefined && [nE, n1, n2].every(Number.isFinite)) {
    const tot = Math.sqrt(nE * nE + n1 * n1 + n2 * n2);
    if (tot > 0) {
      base_frac = [nE / tot, n1 / tot, n2 / tot];
      theta0 = (base_frac[2] ** 2) / (base_frac[0] ** 2 + base_frac[2] ** 2);
    }
  }
  return {
    wc,
    theta0,
    base_frac,
    frac_step: i >= 0 ? step[i]! : null,
    n_grokked: grokked.length,
    seeds: cell.seeds.map((s) => ({ seed: s.seed, T_grok: s.T_grok, norm_at_end: s.norm_at_grok })),
  };
}

/** The free control of `cfg`'s setting. */
export function controlConfig(cfg: RunConfig): RunConfig {
  const { f_w1: _f, ...rest } = cfg;
  return { ...rest, wc: null, gamma: null, theta0: null, fork_at: null, wd: 1 };
}

export function calibrate(cfg: RunConfig, nSeeds: number, seed0 = 0, progress?: (msg: string) => void): Calibration {
  const control = controlConfig(cfg);
  const seeds = Array.from({ length: nSeeds }, (_, i) => seed0 + i);
  const results = trainCell(runSeed, control, seeds);
  for (const r of results) {
    progress?.(`control seed ${r.seed}: T_grok ${r.T_grok ?? "-"}, ran to step ${r.steps_run}, |W| there ${r.final?.weight_norm.toFixed(3) ?? "-"}`);
  }
  return calibrationOf(cellRecordOf(control, results));
}
