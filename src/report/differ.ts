// "Where we differ and why", generated from the comparisons and the cells: counts of agreement, every
// number outside its tolerance with the recorded factors that separate our cells from the paper's
// (seeds per cell, censored or diverged seeds, cells that do not count, a different w_c), interval
// widths, and what the data could not give. Factual sentences from numbers; no claim is hard-coded.

import { summarizeCell } from "../analysis/cell-stats.js";
import type { CellRecord } from "../analysis/records.js";
import { fmtValue, verdict, type Comparison } from "./compare.js";
import { fmt, fmtSigned } from "./format.js";
import { EXPERIMENTS, PAPER, wcKey } from "./paper.js";
import type { CellMap } from "./tables.js";
import type { WcRow } from "./wc.js";

export interface Differences {
  overview: string[]; // general statements
  items: string[]; // one per number outside its tolerance
  missing: string[]; // numbers our data did not give, grouped by experiment
}

export function differences(comps: readonly Comparison[], cells: CellMap, wc: readonly WcRow[]): Differences {
  const v = comps.map((c) => [c, verdict(c)] as const);
  const count = (k: string) => v.filter(([, x]) => x === k).length;
  const overview: string[] = [];
  const judged = v.filter(([, x]) => x !== "not in paper").length;
  overview.push(
    `Of ${judged} published numbers: ${n(count("agrees"), "agrees", "agree")} with ours within its tolerance; ` +
      `${n(count("within CI"), "lies", "lie")} outside it with overlapping intervals; ${n(count("differs"), "differs", "differ")}; ` +
      `${n(count("no data"), "has", "have")} no value from this data.`,
  );
  overview.push(...seedStatements(comps, cells));
  overview.push(...censorStatements(cells));
  overview.push(...wcStatements(wc));
  overview.push(...ciStatements(comps, cells));

  const items = v
    .filter(([, x]) => x === "differs" || x === "within CI")
    .map(([c, x]) => `${c.exp} ${c.quantity}: ours ${fmtValue(c.kind, c.ours, c.oursCI)}, paper ${c.paperShown}${gap(c)}` +
      `${x === "within CI" ? " (the intervals overlap)" : ""}. ${factors(c, cells, wc).join(" ")}`);

  const missing: string[] = [];
  for (const e of EXPERIMENTS) {
    const none = v.filter(([c, x]) => c.exp === e && x === "no data").map(([c]) => c);
    if (none.length === 0) continue;
    const reasons = [...new Set(none.map((c) => c.missing ?? "not computed"))];
    missing.push(`${PAPER.titles[e]}: ${none.length} number${none.length === 1 ? "" : "s"} without a value (${none.map((c) => c.quantity).join("; ")}) — ${reasons.join("; ")}.`);
  }
  return { overview, items, missing };
}

/** "1 differs" / "3 differ". */
function n(k: number, one: string, many: string): string {
  return `${k} ${k === 1 ? one : many}`;
}

function gap(c: Comparison): string {
  if (typeof c.ours !== "number" || typeof c.paper !== "number") return "";
  const d = c.ours - c.paper;
  if (c.kind === "steps" || c.kind === "ratio" || c.kind === "alpha" || c.kind === "scale") return c.paper !== 0 ? ` (${fmtSigned((100 * d) / c.paper, 1)}%)` : "";
  return ` (${fmtSigned(d, 3)})`;
}

/** What, in the recorded data, separates this number's cells from the paper's. */
function factors(c: Comparison, cells: CellMap, wc: readonly WcRow[]): string[] {
  const cs = c.cellIds.map((id) => cells.get(id)).filter((x): x is CellRecord => !!x);
  const out: string[] = [];
  const S = cs.map((x) => x.seeds.length);
  if (S.length && Math.max(...S) < c.paperSeeds) out.push(`Its cells ran ${range(S)} seeds each where the paper ran ${c.paperSeeds}.`);
  else if (S.length && Math.min(...S) < c.paperSeeds) out.push(`Some of its cells ran fewer seeds (${range(S)}) than the paper's ${c.paperSeeds}.`);
  const cen = cs.reduce((a, x) => a + x.seeds.filter((s) => s.T_grok === null && s.status !== "diverged").length, 0);
  const div = cs.reduce((a, x) => a + x.seeds.filter((s) => s.status === "diverged").length, 0);
  const tot = S.reduce((a, b) => a + b, 0);
  if (cen) out.push(`${cen} of its ${tot} seeds did not grok within their budget (censored, not imputed).`);
  if (div) out.push(`${div} of its ${tot} seeds diverged.`);
  const dropped = cs.filter((x) => summarizeCell(x).dropped !== null);
  if (dropped.length) out.push(`${dropped.length} of its ${cs.length} cells do not count (fewer than half their seeds grokked).`);
  const keys = new Set(cs.map((x) => wcKey(x.experiment, x.model, x.loss, x.p)));
  for (const w of wc.filter((w) => keys.has(w.key) && w.paper !== null)) {
    const rel = (w.wc - w.paper!) / w.paper!;
    if (Math.abs(rel) > 0.01) out.push(`Its clamp used w_c = ${fmt(w.wc, 2)} (${w.key}) against the paper's ${fmt(w.paper, 2)} (${fmtSigned(100 * rel, 1)}%).`);
  }
  if (out.length === 0) out.push("None of the recorded factors (seeds per cell, censoring, cells dropped, w_c) differs from the paper's setting; the difference stands as measured.");
  return out;
}

function seedStatements(comps: readonly Comparison[], cells: CellMap): string[] {
  const same: string[] = [];
  const out: string[] = [];
  for (const e of EXPERIMENTS) {
    const ids = new Set(comps.filter((c) => c.exp === e).flatMap((c) => c.cellIds));
    const S = [...ids].map((id) => cells.get(id)?.seeds.length).filter((x): x is number => x !== undefined);
    if (S.length === 0) continue;
    const paper = [...new Set(comps.filter((c) => c.exp === e).map((c) => c.paperSeeds))].sort((a, b) => a - b);
    if (Math.min(...S) >= Math.min(...paper)) same.push(e);
    else out.push(`${PAPER.titles[e]}: our cells ran ${range(S)} seeds where the paper's ran ${paper.join(" or ")}.`);
  }
  if (same.length) out.unshift(`Seeds per cell: as many as the paper's or more in ${same.join(", ")}.`);
  return out;
}

function censorStatements(cells: CellMap): string[] {
  const all = [...cells.values()];
  const cen = all.filter((c) => c.seeds.some((s) => s.T_grok === null));
  const seeds = all.reduce((a, c) => a + c.seeds.length, 0);
  const nCen = all.reduce((a, c) => a + c.seeds.filter((s) => s.T_grok === null && s.status !== "diverged").length, 0);
  const nDiv = all.reduce((a, c) => a + c.seeds.filter((s) => s.status === "diverged").length, 0);
  const dropped = all.filter((c) => summarizeCell(c).dropped !== null);
  const out = [
    nCen + nDiv === 0
      ? `Censoring: every one of the ${seeds} seeds grokked; none was censored or diverged.`
      : `Censoring: ${nCen} of ${seeds} seeds never grokked (in ${cen.length} cell${cen.length === 1 ? "" : "s"}), ${nDiv} diverged; ` +
        "they are counted, never imputed.",
  ];
  if (dropped.length) {
    const n = dropped.length === 1 ? "1 cell does" : `${dropped.length} cells do`;
    out.push(`${n} not count (fewer than half the seeds grokked, or no logit scale at grok): ${dropped.map((c) => c.id).join(", ")}.`);
  }
  return out;
}

function wcStatements(wc: readonly WcRow[]): string[] {
  const diff = wc.filter((w) => w.paper !== null && Math.abs(w.wc - w.paper) / w.paper > 0.01);
  const same = wc.filter((w) => w.paper !== null && Math.abs(w.wc - w.paper) / w.paper <= 0.01);
  const out: string[] = [];
  if (same.length) out.push(`w_c: ${same.length} group${same.length === 1 ? "" : "s"} used the paper's value within 1% (${same.map((w) => w.key).join(", ")}).`);
  for (const w of diff) {
    const rel = fmtSigned((100 * (w.wc - w.paper!)) / w.paper!, 1);
    out.push(`w_c for ${w.key}: ours ${fmt(w.wc, 2)}, paper ${fmt(w.paper, 2)} (${rel}%); every clamp target ρ·w_c moves with it.`);
  }
  return out;
}

function ciStatements(comps: readonly Comparison[], cells: CellMap): string[] {
  return comps
    .filter((c) => c.oursCI && c.paperCI)
    .map((c) => {
      const wo = c.oursCI![1] - c.oursCI![0];
      const wp = c.paperCI![1] - c.paperCI![0];
      const S = Math.min(...c.cellIds.map((id) => cells.get(id)?.seeds.length ?? Infinity));
      const few =
        Number.isFinite(S) && S < c.paperSeeds
          ? ` Over ${S} seeds a paired bootstrap has at most ${distinctResamples(S)} distinct resamples (the paper's ${c.paperSeeds} seeds: ` +
            `${distinctResamples(c.paperSeeds)}), so this interval is coarse.`
          : "";
      return `${c.exp} ${c.quantity}: our 95% interval is ${fmt(wo, 3)} wide, the paper's ${fmt(wp, 3)} (${fmt(wo / wp, 2)}×).${few}`;
    });
}

/** Distinct multisets of S seed indices drawn with replacement: C(2S − 1, S). */
export function distinctResamples(S: number): number {
  let r = 1;
  for (let i = 1; i <= S; i++) r = (r * (S - 1 + i)) / i;
  return Math.round(r);
}

function range(xs: readonly number[]): string {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}

