// The whole study's analysis over a set of cell records (from the paper's .npz or our store): takes
// the cells routed to E1-E9 and to the experiments beyond the paper, E10-E11 (routing.ts), and returns the headline numbers under
// fixed keys (alpha_p59, recovery_ci_p97, ...) with fuller tables and a note for every number the
// data do not allow. Returns data; printing is the CLI's. Each experiment's rules live in its file.

import { summarizeCell } from "./cell-stats.js";
import { allocSwing, type AllocResult } from "./alloc.js";
import { auditTable, type AuditRow } from "./audit.js";
import { DEFAULT_BOOTSTRAP, type BootstrapOptions } from "./bootstrap.js";
import { collapseGrid, type CollapseResult } from "./collapse.js";
import { cureResult, recoveryStream, type CureResult } from "./cures.js";
import { DOSE_DEFAULTS, doseLaw, type DoseOptions, type DoseResult } from "./dose.js";
import { mediation, type MediationResult } from "./mediation.js";
import { optimiserResult, type OptimiserResult } from "./optimiser.js";
import { fail, type Outcome } from "./outcome.js";
import { cellLabel, type CellRecord } from "./records.js";
import { baseAndUps, PAPER_EXPERIMENTS, routeCells, ROUTED_EXPERIMENTS } from "./routing.js";
import { forkingArms, type ForkResult } from "./samestate.js";
import { tauSweep, type TauSweep } from "./tau-sweep.js";
import { tauEffect, type TauEffect } from "./transformer.js";

export interface AnalyzeOptions {
  bootstrap?: Partial<BootstrapOptions>;
  dose?: Partial<DoseOptions>;
}

export type Headline = Record<string, number | [number, number]>;

export interface CellRow {
  id: string;
  experiment: string;
  arm: string;
  model: string;
  p: number;
  loss: string;
  rho: number;
  tau: number;
  gamma: number | null;
  dtype: string;
  wd: number;
  S: number;
  nGrokked: number;
  T_grok: number | null;
  T_mem: number | null;
  L: number | null;
  L_step: number | null;
  norm: number | null;
  dropped: string | null;
}

export interface AnalysisTables {
  cells: CellRow[];
  dose: Record<string, Outcome<DoseResult>>; // by "p43"
  dose_free: Array<{ id: string; p: number; wd: number; T_grok: number | null; norm: number | null }>;
  mediation: Record<string, Outcome<MediationResult>>; // by "ce_p59", "mse_p97"
  tau_sweep: Record<string, TauSweep>; // by "ce_p59", ...
  collapse: Record<string, Outcome<CollapseResult>>;
  audit: AuditRow[];
  transformer: Record<string, { effect: Outcome<TauEffect>; recovery: Outcome<MediationResult>; tau_sweep: TauSweep }>;
  alloc: Record<string, Outcome<AllocResult>>;
  samestate: Record<string, Outcome<ForkResult>>;
  cures: Record<string, CureResult>; // E10, by "stablemax_p59"
  optimiser: Record<string, OptimiserResult>; // E11, by "grid-lr_p59"
}

export interface AnalysisReport {
  headline: Headline;
  tables: AnalysisTables;
  notes: string[]; // why an expected number is missing; cells not analysed
}

const KNOWN = new Set<string>(ROUTED_EXPERIMENTS);

export function analyzeCells(cells: readonly CellRecord[], opts: AnalyzeOptions = {}): AnalysisReport {
  const boot: BootstrapOptions = { ...DEFAULT_BOOTSTRAP, ...opts.bootstrap };
  const doseOpts: DoseOptions = { ...DOSE_DEFAULTS, ...opts.dose };
  const headline: Headline = {};
  const notes: string[] = [];
  const of = (exp: string) => cells.filter((c) => c.experiment === exp);
  const route = routeCells(cells);
  const t: AnalysisTables = {
    cells: cells.map(cellRow),
    dose: {},
    dose_free: [],
    mediation: {},
    tau_sweep: {},
    collapse: {},
    audit: auditTable(route.audit),
    transformer: {},
    alloc: {},
    samestate: {},
    cures: {},
    optimiser: {},
  };
  const put = <T>(key: string, o: Outcome<T>, value: (v: T) => number | [number, number] | null): void => {
    if (!o.ok) {
      notes.push(`${key}: ${o.reason}`);
      return;
    }
    const v = value(o.value);
    if (v === null) notes.push(`${key}: not available`);
    else headline[key] = v;
  };

  // E1 dose law: MLP, CE clamp cells, per modulus
  for (const [p, g] of route.doseClamp) {
    const r = doseLaw(g, doseOpts);
    t.dose[`p${p}`] = r;
    put(`alpha_p${p}`, r, (v) => v.alpha);
  }
  t.dose_free = route.doseFree.map((c) => {
    const s = summarizeCell(c);
    return { id: c.id, p: c.p, wd: c.wd, T_grok: s.T_grok, norm: s.norm };
  });

  // E2 mediation and E4/E5 tau tables: MLP, per loss and modulus
  for (const [key, { loss, p, cells: g }] of route.mediation) {
    const { base, ups, problem } = baseAndUps(g);
    t.tau_sweep[key] = tauSweep(base, ups);
    const r = problem ? fail<MediationResult>(problem) : mediation(base!, ups, boot, loss === "ce" ? recoveryStream(p) : `recovery:mlp:${key}`);
    t.mediation[key] = r;
    if (loss === "ce") {
      put(`recovery_p${p}`, r, (v) => v.recovery);
      put(`recovery_ci_p${p}`, r, (v) => (v.ci.ok ? [v.ci.value.lo, v.ci.value.hi] : null));
      if (r.ok && !r.value.ci.ok) notes.push(`recovery_ci_p${p}: ${r.value.ci.reason}`);
    }
  }

  // E3 collapse grid: MLP, CE, per modulus
  for (const [p, g] of route.collapse) {
    const r = collapseGrid(g);
    t.collapse[`p${p}`] = r;
    put(`collapse_R2_p${p}`, r, (v) => v.r2L);
    put(`collapse_dR2_p${p}`, r, (v) => v.dR2);
  }

  // E7 transformer: experiment "transformer", per modulus; the headline key when there is one modulus
  const tf = route.transformer;
  for (const [p, g] of tf) {
    const { base, ups, problem } = baseAndUps(g);
    const effect = tauEffect(base, ups);
    const recovery = problem ? fail<MediationResult>(problem) : mediation(base!, ups, boot, `recovery:transformer:ce_p${p}`);
    t.transformer[`p${p}`] = { effect, recovery, tau_sweep: tauSweep(base, ups) };
    if (tf.size === 1) put("transformer_effect", effect, (v) => v.effect);
    else put(`transformer_effect_p${p}`, effect, (v) => v.effect);
  }

  // E8 allocation swing: MLP gamma cells, per modulus
  for (const [p, g] of route.alloc) {
    const r = allocSwing(g);
    t.alloc[`p${p}`] = r;
    put(`alloc_swing_p${p}`, r, (v) => v.swing);
  }

  // E9 forking arms: MLP, per modulus
  for (const [p, g] of route.samestate) {
    const r = forkingArms(g, boot, `samestate:p${p}`);
    t.samestate[`p${p}`] = r;
    put(`samestate_ratio_p${p}`, r, (v) => v.ratio);
    put(`samestate_ci_p${p}`, r, (v) => (v.ci.ok ? [v.ci.value.lo, v.ci.value.hi] : null));
    if (r.ok && !r.value.ci.ok) notes.push(`samestate_ci_p${p}: ${r.value.ci.reason}`);
  }

  // E10 cures: MLP, per cure and modulus (docs/study.md §11)
  for (const [key, { cure, p, cells: g }] of route.cures) {
    const r = cureResult(cure, p, g, boot);
    t.cures[key] = r;
    put(`cures_recovery_${key}`, r.recovery, (v) => v.recovery);
    put(`cures_recovery_ci_${key}`, r.recovery, (v) => (v.ci.ok ? [v.ci.value.lo, v.ci.value.hi] : null));
    if (r.recovery.ok && !r.recovery.value.ci.ok) notes.push(`cures_recovery_ci_${key}: ${r.recovery.value.ci.reason}`);
    put(`cures_R2L_${key}`, r.onL, (v) => v.r2L);
  }

  // E11 optimiser: MLP CE grid, per learning-rate arm and modulus (docs/study.md §11)
  for (const [key, { arm, p, cells: g }] of route.optimiser) {
    const r = optimiserResult(arm, p, g, boot);
    t.optimiser[key] = r;
    put(`optimiser_R2L_${key}`, r.grid, (v) => v.r2L);
    put(`optimiser_dR2_${key}`, r.grid, (v) => v.dR2);
    put(`optimiser_recovery_${key}`, r.recovery, (v) => v.recovery);
  }

  for (const u of route.unrouted) notes.push(`${cellLabel(u.cell)}: not analysed: ${u.why}`);
  // the experiments beyond the paper are optional: their absence is not worth a note
  for (const exp of PAPER_EXPERIMENTS) if (of(exp).length === 0) notes.push(`${exp}: no cells of this experiment in the input`);
  const other = [...new Set(cells.map((c) => c.experiment).filter((e) => !KNOWN.has(e)))];
  for (const e of other) notes.push(`${e}: cells listed in tables.cells but not analysed (unknown experiment)`);
  return { headline, tables: t, notes };
}

/** The report as one flat JSON-ready object: headline keys at the top, then tables and notes. */
export function reportObject(r: AnalysisReport): Record<string, unknown> {
  return { ...r.headline, tables: r.tables, notes: r.notes };
}

function cellRow(c: CellRecord): CellRow {
  const s = summarizeCell(c);
  return {
    id: c.id,
    experiment: c.experiment,
    arm: c.arm,
    model: c.model,
    p: c.p,
    loss: c.loss,
    rho: c.rho,
    tau: c.tau,
    gamma: c.gamma,
    dtype: c.dtype,
    wd: c.wd,
    S: s.S,
    nGrokked: s.nGrokked,
    T_grok: s.T_grok,
    T_mem: s.T_mem,
    L: s.L,
    L_step: s.L_step,
    norm: s.norm,
    dropped: s.dropped,
  };
}
