// Why one of our numbers may differ from the paper's, read from the data: the cells behind it against
// the paper's design (which ρ, τ, γ, arms, moduli, precision), cells that do not count, seeds
// censored by a budget (or grokking after the paper's budget ended), seeds per cell, and the w_c the
// clamp used. Each cause is a factual sentence built from the records; none names a number in advance.
// The prose around them (counts, the list of differences) is differ.ts.

import { summarizeCell } from "../analysis/cell-stats.js";
import type { CellRecord } from "../analysis/records.js";
import { forkArmName } from "../analysis/samestate.js";
import type { Comparison } from "./compare.js";
import { fmt, fmtParam, fmtSigned } from "./format.js";
import { paperBudget, wcKey, type DesignDim, type DesignPoint } from "./paper.js";
import type { CellMap } from "./tables.js";
import { wcOf, type WcRow } from "./wc.js";

const SYMBOL: Record<DesignDim, string> = { p: "p", rho: "ρ", tau: "τ", gamma: "γ", arm: "arm", dtype: "precision" };

/** The cells behind a comparison: its design's cells where it has one, else its cell ids. */
export function cellsBehind(c: Comparison, cells: CellMap): CellRecord[] {
  const ids = c.design ? [...new Set([...c.design.ran, ...c.cellIds])] : c.cellIds;
  return ids.map((id) => cells.get(id)).filter((x): x is CellRecord => !!x);
}

/** A cell as a design point on the given fields. */
export function pointOf(cell: CellRecord, dims: readonly DesignDim[]): DesignPoint {
  const out: DesignPoint = {};
  for (const d of dims) {
    if (d === "arm") out.arm = forkArmName(cell.arm);
    else if (d === "gamma") out.gamma = cell.gamma ?? "none";
    else out[d] = cell[d];
  }
  return out;
}

const valueKey = (v: number | string | undefined) => (typeof v === "number" ? String(Math.round(v * 1e6) / 1e6) : String(v));
const keyOf = (pt: DesignPoint, dims: readonly DesignDim[]) => dims.map((d) => valueKey(pt[d])).join("|");
const showValue = (v: number | string | undefined) => (typeof v === "number" ? fmtParam(v) : String(v));

/** "ρ ∈ {1, 1.15} × τ ∈ {1, 1.3, 1.7} (6 cells)", or a list of cells where they form no full grid. */
export function describeDesign(points: readonly DesignPoint[], dims: readonly DesignDim[]): string {
  const uniq = new Map(points.map((pt) => [keyOf(pt, dims), pt]));
  if (uniq.size === 0) return "no cells";
  const values = dims.map((d) => {
    const vs = [...new Map([...uniq.values()].map((pt) => [valueKey(pt[d]), pt[d]])).values()];
    return vs.sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : 1));
  });
  const full = values.reduce((a, v) => a * v.length, 1) === uniq.size;
  const varying = dims.map((d, i) => ({ d, vs: values[i]! })).filter((x) => x.vs.length > 1 || dims.length === 1);
  const n = `${uniq.size} cell${uniq.size === 1 ? "" : "s"}`;
  if (full) {
    const fixed = dims.map((d, i) => ({ d, vs: values[i]! })).filter((x) => x.vs.length === 1 && dims.length > 1);
    const grid = varying.map((x) => `${SYMBOL[x.d]} ∈ {${x.vs.map(showValue).join(", ")}}`).join(" × ");
    const at = fixed.map((x) => `${SYMBOL[x.d]} ${showValue(x.vs[0])}`).join(", ");
    return [grid, at].filter((s) => s).join(" at ") + ` (${n})`;
  }
  const list = [...uniq.values()].map((pt) => `(${dims.map((d) => `${SYMBOL[d]} ${showValue(pt[d])}`).join(", ")})`);
  return `${list.length > 8 ? `${list.slice(0, 8).join(", ")}, …` : list.join(", ")} (${n})`;
}

export interface DesignGap {
  ours: string;
  paper: string;
  missing: DesignPoint[]; // the paper's cells we lack
  extra: DesignPoint[]; // our cells the paper does not have
}

/** Our cells against the paper's for one comparison; null when it has no design or they match. */
export function designGap(c: Comparison, cells: CellMap): DesignGap | null {
  const d = c.design;
  if (!d) return null;
  const ours = d.ran.map((id) => cells.get(id)).filter((x): x is CellRecord => !!x).map((x) => pointOf(x, d.dims));
  if (ours.length === 0) return null; // no cells at all: the number is missing, not differently designed
  const oursKeys = new Set(ours.map((pt) => keyOf(pt, d.dims)));
  const paperKeys = new Set(d.paper.map((pt) => keyOf(pt, d.dims)));
  const missing = d.paper.filter((pt) => !oursKeys.has(keyOf(pt, d.dims)));
  const extra = ours.filter((pt) => !paperKeys.has(keyOf(pt, d.dims)));
  if (missing.length === 0 && extra.length === 0) return null;
  return { ours: describeDesign(ours, d.dims), paper: describeDesign(d.paper, d.dims), missing, extra };
}

/** The design sentence for a comparison with a value, or null. */
export function designCause(c: Comparison, cells: CellMap): string | null {
  const g = designGap(c, cells);
  if (!g || !c.design) return null;
  const lack = g.missing.length ? `; it lacks ${describeDesign(g.missing, c.design.dims)}` : "";
  return `Design: its cells are ${g.ours} where the paper's are ${g.paper}${lack}. ${cap(c.design.role)}, so ours is not the paper's statistic and cannot be compared with it.`;
}

/** Every cause the data record for a comparison, the weightiest first. */
export function causesOf(c: Comparison, cells: CellMap, wc: readonly WcRow[]): string[] {
  const cs = cellsBehind(c, cells);
  const out: string[] = [];
  const design = designCause(c, cells);
  if (design) out.push(design);
  const prec = precisionCause(c, cs);
  if (prec) out.push(prec);
  const dropped = cs.map((x) => ({ x, s: summarizeCell(x) })).filter((r) => r.s.dropped !== null);
  if (dropped.length) {
    out.push(`${dropped.length} of its ${cs.length} cells do not count (fewer than half their seeds grokked): ${dropped.map((r) => cellName(r.x)).join("; ")}.`);
  }
  out.push(...budgetCauses(c, cs));
  const S = cs.map((x) => x.seeds.length);
  if (S.length && Math.max(...S) < c.paperSeeds) out.push(`Its cells ran ${range(S)} seeds each where the paper ran ${c.paperSeeds}.`);
  else if (S.length && Math.min(...S) < c.paperSeeds) out.push(`Some of its cells ran fewer seeds (${range(S)}) than the paper's ${c.paperSeeds}.`);
  const div = cs.reduce((a, x) => a + x.seeds.filter((s) => s.status === "diverged").length, 0);
  if (div) out.push(`${div} of its ${S.reduce((a, b) => a + b, 0)} seeds diverged.`);
  const keys = new Set(cs.filter((x) => wcOf(x) !== null).map((x) => wcKey(x.experiment, x.model, x.loss, x.p)));
  for (const w of wc.filter((w) => keys.has(w.key) && w.paper !== null)) {
    const rel = (w.wc - w.paper!) / w.paper!;
    if (Math.abs(rel) > 0.01) out.push(`Its clamp used w_c = ${fmt(w.wc, 2)} (${w.key}) against the paper's ${fmt(w.paper, 2)} (${fmtSigned(100 * rel, 1)}%).`);
  }
  if (out.length === 0) {
    out.push(
      "None of the recorded factors (design, precision, cells that count, budgets, seeds per cell, w_c) differs from the paper's " +
        "setting; the difference stands as measured.",
    );
  }
  return out;
}

/** Cells in another precision than the paper's for this number (float32 unless its design says). */
function precisionCause(c: Comparison, cs: readonly CellRecord[]): string | null {
  const want = new Set((c.design?.dims.includes("dtype") ? c.design.paper.map((pt) => pt.dtype) : ["f32"]).filter((x): x is string => typeof x === "string"));
  const off = cs.filter((x) => !want.has(x.dtype));
  if (off.length === 0) return null;
  const name = (d: string) => (d === "f64" ? "float64" : "float32");
  return `${off.length} of its cells ran in ${[...new Set(off.map((x) => name(x.dtype)))].join(" and ")} where the paper's ran in ${[...want].map(name).join(" and ")}.`;
}

/**
 * Budgets: seeds censored when their run ended (the cell's last logged step), said against the
 * paper's budget for that cell; and seeds that grokked only after the paper's budget would have
 * ended, which the paper would have counted as censored.
 */
function budgetCauses(c: Comparison, cs: readonly CellRecord[]): string[] {
  const out: string[] = [];
  let censored = 0;
  let total = 0;
  const shorter: string[] = [];
  const ends = new Set<number>();
  const late: string[] = [];
  for (const x of cs) {
    total += x.seeds.length;
    const cen = x.seeds.filter((s) => s.T_grok === null && s.status !== "diverged").length;
    const end = lastStep(x);
    const pb = paperBudget(c.exp, x.rho, x.p, forkArmName(x.arm));
    if (cen) {
      censored += cen;
      if (end !== null) ends.add(end);
      if (end !== null && pb !== null && end + LOG_EVERY <= pb) shorter.push(`${cellName(x)} ended at ${end}, the paper's at ${pb}`);
    }
    if (pb !== null) {
      const after = x.seeds.filter((s) => s.T_grok !== null && s.T_grok > pb).length;
      if (after) {
        const within = x.seeds.filter((s) => s.T_grok !== null && s.T_grok <= pb).length;
        const counts = 2 * within >= x.seeds.length;
        late.push(
          `${after} of ${x.seeds.length} seeds of ${cellName(x)} grokked after step ${pb}, where the paper's budget for this cell ends; ` +
            `cut there, the cell would ${counts ? "still" : "not"} count`,
        );
      }
    }
  }
  if (censored) {
    const at = ends.size ? ` (runs ended at step ${[...ends].sort((a, b) => a - b).join(", ")})` : "";
    out.push(`${censored} of its ${total} seeds did not grok within their budget${at} (censored, not imputed).`);
  }
  if (shorter.length) out.push(`Budgets shorter than the paper's: ${shorter.join("; ")}.`);
  if (late.length) out.push(`${late.join(". ")}.`);
  return out;
}

/** The paper's logging interval: a last logged step this close below a budget is that budget. */
const LOG_EVERY = 200;

/** The cell's last logged step: where its longest seed stopped. */
function lastStep(c: CellRecord): number | null {
  const s = c.series.step;
  return s.length ? s[s.length - 1]! : null;
}

/** "ρ 1.15 τ 1.3" and the like: the fields that tell the cell apart, then its id. */
export function cellName(c: CellRecord): string {
  const g = c.gamma === null ? "" : ` γ ${fmtParam(c.gamma)}`;
  const arm = c.t_fork !== null ? ` ${forkArmName(c.arm)}` : "";
  return `p${c.p}${arm} ρ ${fmtParam(c.rho)} τ ${fmtParam(c.tau)}${g}${c.dtype === "f64" ? " float64" : ""}`;
}

function range(xs: readonly number[]): string {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}

/** Sentence case for a clause that starts with a Latin lower-case letter ("α and R² …" stays as it is). */
const cap = (s: string) => (/^[a-z]/.test(s) ? s.charAt(0).toUpperCase() + s.slice(1) : s);
