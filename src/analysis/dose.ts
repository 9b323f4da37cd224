// E1 dose law for one modulus: ln T_grok = c + alpha*||W|| on the collapse-free clamp cells, with
// R^2 and an AIC comparison against the power-law and saddle-node forms (dose-forms.ts).
// Collapse-free, as the paper's numbers require: cells that count (half rule), rho <= 1.15, taken in
// increasing rho and cut at the first cell whose L exceeds 2.5x the previous counted cell's L (that
// cell and every later one are out). ||W|| is the cell's median norm at grok over grokked seeds.

import { summarizeCell, usable } from "./cell-stats.js";
import { fitExponential, fitPower, fitSaddle, type FormFit } from "./dose-forms.js";
import { fail, ok, type Outcome } from "./outcome.js";
import type { CellRecord } from "./records.js";

export interface DoseOptions {
  rhoMax: number; // 1.15: beyond it clamped runs drift into softmax collapse
  jump: number; // 2.5: an L jump by more than this factor marks the onset of collapse
}

export const DOSE_DEFAULTS: DoseOptions = { rhoMax: 1.15, jump: 2.5 };

export interface DoseRow {
  id: string;
  rho: number;
  norm: number | null; // median norm at grok (grokked seeds); falls back to weight_norm at the L step
  T_grok: number | null;
  L: number | null;
  used: boolean;
  why: string | null; // why the cell is not in the fit
}

export interface DoseResult {
  p: number;
  n: number; // cells in the fit
  alpha: number;
  c: number;
  r2: number;
  fits: { exponential: FormFit; power: Outcome<FormFit>; saddle: Outcome<FormFit> };
  best: Outcome<FormFit["form"]>; // lowest AIC among the forms fitted (none if every fit is exact)
  rows: DoseRow[];
}

/** The dose law on one modulus's clamp cells (experiment "dose", arm "clamp"). */
export function doseLaw(cells: readonly CellRecord[], opts: DoseOptions = DOSE_DEFAULTS): Outcome<DoseResult> {
  if (cells.length === 0) return fail("dose law: no clamp cells");
  const p = cells[0]!.p;
  if (cells.some((c) => c.p !== p)) return fail("dose law: cells from more than one modulus");
  const sums = cells.map(summarizeCell).sort((a, b) => a.cell.rho - b.cell.rho);
  const rows: DoseRow[] = [];
  let prevL: number | null = null;
  let cutAt: number | null = null; // rho of the first collapsed cell
  for (const s of sums) {
    const norm = s.norm ?? (s.L_step !== null ? s.cell.series.weight_norm[s.cell.series.step.indexOf(s.L_step)] ?? null : null);
    const row: DoseRow = { id: s.cell.id, rho: s.cell.rho, norm, T_grok: s.T_grok, L: s.L, used: false, why: null };
    rows.push(row);
    if (!usable(s)) {
      row.why = s.reason ?? "does not count";
      continue;
    }
    if (cutAt === null && prevL !== null && s.L > opts.jump * prevL) cutAt = s.cell.rho;
    if (cutAt !== null) {
      row.why = `at or after the L jump (rho ${cutAt}: L rose more than ${opts.jump}x over the previous cell)`;
    } else if (s.cell.rho > opts.rhoMax + 1e-9) {
      row.why = `rho ${s.cell.rho} > ${opts.rhoMax}`;
    } else if (norm === null || !Number.isFinite(norm)) {
      row.why = "no norm at grok";
    } else {
      row.used = true;
    }
    prevL = s.L;
  }
  const used = rows.filter((r) => r.used);
  const W = used.map((r) => r.norm!);
  const lnT = used.map((r) => Math.log(r.T_grok!));
  const exp = fitExponential(W, lnT);
  if (!exp.ok) return fail(`dose law p${p}: ${exp.reason} (${used.length} collapse-free cells)`);
  const power = fitPower(W, lnT);
  const saddle = fitSaddle(W, lnT);
  let best: FormFit | null = null;
  for (const f of [exp, power, saddle]) {
    if (f.ok && f.value.aic !== null && (best === null || f.value.aic < best.aic!)) best = f.value;
  }
  return ok({
    p,
    n: used.length,
    alpha: exp.value.params.alpha!,
    c: exp.value.params.c!,
    r2: exp.value.r2,
    fits: { exponential: exp.value, power, saddle },
    best: best ? ok(best.form) : fail("every form fits exactly (RSS = 0), so AIC cannot rank them"),
    rows,
  });
}
