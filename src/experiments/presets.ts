// The study's experiments (docs/study.md §7) as named sweep specs in two scales. "paper": the paper's moduli,
// 12 seeds, its cells and step budgets. "quick": the paper's MLP and hyperparameters at p = 59 with
// 4 seeds and the cells E2-E5 need (τ ∈ {1, 1.3, 1.7}; a 2×3 ρ-τ grid), plus the smallest useful E6
// and E9 (2 seeds); sized to run on a 2-core laptop in minutes. Cells shared between experiments
// have identical configs, so the store runs them once. w_c defaults to the paper's published values.

import type { SweepSpecInput } from "./sweep-spec.js";
import { budget, gridCells, mediationCells } from "./cells.js";
import { cures, optimiser } from "./beyond.js";
import { paperWc } from "./paper-wc.js";
import { e7Cells } from "./transformer-preset.js";

import { type Scale } from "./scale.js";
export { SCALES, type Scale, isScale } from "./scale.js";

export type { PresetExperiment } from "./scale.js";
import type { PresetExperiment } from "./scale.js";

/** What E8 takes from the free control at one modulus (train/calibrate.ts). */
export interface AllocCalibration {
  wc: number;
  theta0: number;
  f_w1: number;
}

export interface PresetOptions {
  /** E8's calibration per modulus, from the free control (`reproduce` runs it first) */
  alloc?: Record<number, AllocCalibration>;
}

/** The free control that calibrates E8 at modulus p: λ = 1, no clamp, 12 seeds, 60000 steps. */
export function allocControlCell(p: number): Record<string, unknown> {
  return { p, wc: null, steps: 60000, arm: "ctrl", label: `ctrl p${p}` };
}

const DOSE_CAP: Record<number, number> = { 43: 60000, 59: 300000, 67: 80000, 97: 300000, 113: 120000 };
const TAUS_PAPER = [1, 1.15, 1.3, 1.5, 1.7];
const TAUS_QUICK = [1, 1.3, 1.7];

function mediation(id: string, loss: "ce" | "mse", ps: number[], taus: number[], seeds: number): PresetExperiment {
  return {
    id,
    title: loss === "ce" ? "Mediation: norm-up recovered by temperature (CE)" : "MSE arm: the same sweep under mean-squared error",
    spec: { name: `${id.toLowerCase()}-${loss}`, experiment: "mediation", seeds, cells: ps.flatMap((p) => mediationCells(p, loss, taus)) },
  };
}

function forking(ps: number[], seeds: number): PresetExperiment {
  return {
    id: "E9",
    title: "Forking arms from one state at t = 800",
    spec: {
      name: "e9-forking",
      experiment: "samestate",
      seeds,
      base: { fork_at: 800, steps: 60000 },
      cells: ps.flatMap((p) => (["lowered", "free", "same", "raised"] as const).map((arm) => ({ p, fork_arm: arm, arm, label: `p${p} ${arm}` }))),
    },
  };
}

function audit(rhos: number[], seeds: number): PresetExperiment {
  const wc = paperWc("ce", 59);
  // as the paper's float64 audit: evaluated every 50 steps (each evaluation's collapse rate is
  // logged, so log_every 50 too), budget 60000, every seed trained until the cell's last grok
  const common = { eval_every: 50, log_every: 50, steps: 60000 };
  return {
    id: "E6",
    title: "Float64 audit: softmax collapse in float32",
    spec: {
      name: "e6-audit",
      experiment: "audit",
      seeds,
      base: { p: 59, wc, tau: 1, ...common },
      cells: rhos.flatMap((rho) => (["f32", "f64"] as const).map((dtype) => ({ rho, dtype, arm: dtype, label: `rho=${rho} ${dtype}` }))),
    },
  };
}

/** Seeds per modulus in the paper's dose runs (its released files: 16 at p59 and p97, 8 elsewhere). */
export const DOSE_SEEDS: Record<number, number> = { 43: 8, 59: 16, 67: 8, 97: 16, 113: 8 };

function dose(): PresetExperiment {
  const rhos = Array.from({ length: 9 }, (_, i) => Math.round((0.85 + 0.05 * i) * 100) / 100);
  const cell = (p: number, rho: number, steps: number) => ({ p, rho, wc: paperWc("dose", p), steps, seeds: DOSE_SEEDS[p]!, arm: "clamp", label: `p${p} rho=${rho}` });
  return {
    id: "E1",
    title: "Dose law: T_grok against the clamped norm",
    spec: {
      name: "e1-dose",
      experiment: "dose",
      seeds: 8,
      cells: [
        ...[43, 59, 67, 97, 113].flatMap((p) => rhos.map((rho) => cell(p, rho, budget(15000, rho, DOSE_CAP[p])))),
        // the paper's added low-ρ cells at p43 (its run_paperC_dosecells runner: 15000 steps), on
        // which p43's collapse-free n = 6 depends
        ...[0.75, 0.8].map((rho) => cell(43, rho, 15000)),
      ],
    },
  };
}

function allocation(ps: number[], seeds: number, cal: Record<number, AllocCalibration>): PresetExperiment {
  const gammas = [-0.6, -0.3, 0, 0.3, 0.6];
  return {
    id: "E8",
    title: "Layer allocation at fixed total norm",
    spec: {
      name: "e8-alloc",
      experiment: "alloc",
      seeds,
      cells: ps.flatMap((p) => {
        const c = cal[p];
        if (c === undefined) throw new Error(`E8 needs the free control's calibration at p=${p}: run \`grokscale calibrate --p ${p}\` first`);
        // as the paper: the control's own w_c, W1 pinned at f_W1 of it, θ0 from the same log
        return [
          { ...allocControlCell(p), seeds },
          ...gammas.map((gamma) => ({ p, gamma, theta0: c.theta0, f_w1: c.f_w1, wc: c.wc, steps: 50000, arm: "alloc", label: `p${p} gamma=${gamma}` })),
        ];
      }),
    },
  };
}

function transformer(scale: "quick" | "paper"): PresetExperiment {
  return {
    id: "E7",
    title: "Transformer without LayerNorm",
    spec: {
      name: "e7-transformer",
      experiment: "transformer",
      seeds: scale === "quick" ? 4 : 12,
      cells: e7Cells(scale).map((c) => ({ ...c.config, seeds: c.seeds, arm: c.arm, label: c.label })),
    },
  };
}

/**
 * "mini": a miniature of E2/E3 for smoke tests — p = 23, a wider train fraction (0.8), a small MLP
 * (d 32, H 64) and lr 3e-3 so that it groks in hundreds of steps; 2 seeds. Not the paper's setting.
 */
function miniExperiments(): PresetExperiment[] {
  const base = { p: 23, train_frac: 0.8, d_embed: 32, hidden: 64, lr: 3e-3, wc: 28, t_int: 100, log_every: 100 };
  const cells = [
    { rho: 1, tau: 1, steps: 3000, arm: "base", label: "mini base" },
    { rho: 1.15, tau: 1, steps: 4000, arm: "up", label: "mini up tau=1" },
    { rho: 1.15, tau: 1.7, steps: 4000, arm: "up", label: "mini up tau=1.7" },
  ];
  return [
    { id: "E2", title: "Mediation (miniature)", spec: { name: "e2-ce", experiment: "mediation", seeds: 2, base, cells } },
    {
      id: "E3",
      title: "Collapse grid (miniature)",
      spec: {
        name: "e3-grid",
        experiment: "collapse",
        seeds: 2,
        base,
        cells: [
          ...cells.map((c) => ({ ...c, arm: "grid" })),
          { rho: 1, tau: 1.7, steps: 3000, arm: "grid", label: "mini rho=1 tau=1.7" },
        ],
      },
    },
  ];
}

/** The experiments of a preset, in the order they should run. */
export function presetExperiments(scale: Scale, opts: PresetOptions = {}): PresetExperiment[] {
  switch (scale) {
    case "mini":
      // the E10 and E11 miniatures too (docs/study.md §11): reproduce runs them end to end
      return [...miniExperiments(), cures(scale), optimiser(scale)];
    case "quick":
      return [
        mediation("E2", "ce", [59], TAUS_QUICK, 4),
        { id: "E3", title: "Collapse grid: norm × temperature", spec: { name: "e3-grid", experiment: "collapse", seeds: 4, cells: gridCells(59, [1, 1.15], TAUS_QUICK, scale) } },
        mediation("E4", "mse", [59], TAUS_QUICK, 4),
        audit([1.15], 2),
        forking([59], 2),
      ];
    case "paper":
      return [
        dose(),
        mediation("E2", "ce", [59, 97], TAUS_PAPER, 12),
        { id: "E3", title: "Collapse grid: norm × temperature", spec: { name: "e3-grid", experiment: "collapse", seeds: 12, cells: [59, 97].flatMap((p) => gridCells(p, [1, 1.05, 1.1, 1.15], [1, 1.3, 1.7], scale)) } },
        mediation("E4", "mse", [59, 97], TAUS_PAPER, 12),
        audit([1.15, 1.25], 8),
        transformer(scale),
        ...(opts.alloc ? [allocation([59, 97], 12, opts.alloc)] : []),
        forking([59, 97], 12),
      ];
  }
}

/**
 * Experiments of a scale that are not part of its `reproduce` run but can be run by name
 * (`grokscale sweep --preset quick/E7`): the quick transformer sweep, and the experiments beyond the
 * paper, E10 and E11 (beyond.ts; docs/study.md §11), whose miniatures are in mini's run itself.
 */
export function extraExperiments(scale: Scale): PresetExperiment[] {
  switch (scale) {
    case "quick":
      return [transformer("quick"), cures(scale), optimiser(scale)];
    case "paper":
      return [cures(scale), optimiser(scale)];
    case "mini":
      return [];
  }
}


/**
 * All experiments of a scale as one sweep spec, each cell carrying its experiment, arm and seeds,
 * ordered longest job first so the workers stay busy to the end. Cells shared by several
 * experiments appear once per experiment; their jobs are the same and run once.
 */
export function mergedPresetSpec(scale: Scale, opts: PresetOptions = {}, estimate?: (cell: Record<string, unknown>) => number): SweepSpecInput {
  const cells: Array<Record<string, unknown>> = [];
  for (const e of presetExperiments(scale, opts)) {
    const s = e.spec;
    const base = s.base ?? {};
    const seeds = s.seeds;
    for (const c of s.cells ?? [{}]) cells.push({ experiment: s.experiment ?? s.name, ...base, ...c, seeds: c["seeds"] ?? seeds });
  }
  if (estimate) {
    const cost = new Map(cells.map((c) => [c, estimate(c)]));
    cells.sort((a, b) => cost.get(b)! - cost.get(a)!);
  }
  return { name: `reproduce-${scale}`, description: `every experiment of the ${scale} preset`, seeds: 1, cells };
}
