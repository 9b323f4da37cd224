// "Where we differ and why", generated from the comparisons and the cells: counts of agreement, the
// design differences per experiment (other cells than the paper's, missing moduli, seeds per cell),
// every number outside its tolerance with the causes the data record (causes.ts), censoring, w_c,
// interval widths, and what the data could not give. Factual sentences from numbers; no claim is
// hard-coded. The causes themselves are described in docs/study.md §9-10.

import { summarizeCell } from "../analysis/cell-stats.js";
import { fmtComparisonOurs, verdict, type Comparison } from "./compare.js";
import { causesOf, designGap } from "./causes.js";
import { fmt, fmtSigned } from "./format.js";
import { EXPERIMENTS, PAPER } from "./paper.js";
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
  const outside = v.filter(([, x]) => x === "differs" || x === "within CI").map(([c]) => c);
  const byDesign = outside.filter((c) => designGap(c, cells) !== null).length;
  if (byDesign) {
    overview.push(
      `${byDesign} of the ${outside.length} numbers outside their tolerance ${byDesign === 1 ? "is" : "are"} computed over other cells than the paper's: ` +
        "they differ by design, not by measurement (each is named below).",
    );
  }
  overview.push(...designStatements(comps, cells));
  overview.push(...censorStatements(cells));
  overview.push(...wcStatements(wc));
  overview.push(...ciStatements(comps, cells));

  const items = v
    .filter(([, x]) => x === "differs" || x === "within CI")
    .map(([c, x]) => `${c.exp} ${c.quantity}: ours ${fmtComparisonOurs(c, cells)}, paper ${c.paperShown}${gap(c)}` +
      `${x === "within CI" ? " (the intervals overlap)" : ""}. ${causesOf(c, cells, wc).join(" ")}`);

  const missing: string[] = [];
  for (const e of EXPERIMENTS) {
    const none = v.filter(([c, x]) => c.exp === e && x === "no data").map(([c]) => c);
    if (none.length === 0) continue;
    const empty = comps.filter((c) => c.exp === e).every((c) => c.cellIds.length === 0);
    const reasons = empty ? ["this data has no cells of this experiment"] : [...new Set(none.map((c) => c.missing ?? "not computed"))];
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

/**
 * Per experiment, how our cells differ from the paper's by design: numbers computed over other
 * cells than the paper's (grid values, τ sweeps, γ, arms, moduli, precision), moduli the paper has
 * and this data lacks, and seeds per cell.
 */
function designStatements(comps: readonly Comparison[], cells: CellMap): string[] {
  const same: string[] = [];
  const out: string[] = [];
  for (const e of EXPERIMENTS) {
    const mine = comps.filter((c) => c.exp === e);
    const gaps = new Map<string, { text: string; quantities: string[] }>();
    for (const c of mine) {
      const g = designGap(c, cells);
      if (!g || !c.design) continue;
      const key = `${c.p}|${g.ours}|${g.paper}|${c.design.role}`;
      const at = c.p === null ? "" : ` (p${c.p})`;
      const entry = gaps.get(key) ?? { text: `${PAPER.titles[e]}${at}: our cells are ${g.ours} where the paper's are ${g.paper}. ${cap(c.design.role)}`, quantities: [] };
      entry.quantities.push(c.quantity);
      gaps.set(key, entry);
    }
    for (const g of gaps.values()) out.push(`${g.text}, so ${g.quantities.join(", ")} ${g.quantities.length === 1 ? "is" : "are"} not the paper's statistic and cannot be compared with it.`);
    const withData = new Set(mine.filter((c) => c.cellIds.length > 0 && c.p !== null).map((c) => c.p!));
    const without = [...new Set(mine.filter((c) => c.cellIds.length === 0 && c.paper !== null && c.p !== null && !withData.has(c.p)).map((c) => c.p!))];
    if (withData.size && without.length) {
      const ps = (xs: Iterable<number>) => [...xs].sort((a, b) => a - b).map((p) => `p${p}`).join(", ");
      out.push(`${PAPER.titles[e]}: this data has cells at ${ps(withData)} only; the paper's numbers at ${ps(without)} have no counterpart here.`);
    }
    const ids = new Set(mine.flatMap((c) => c.cellIds));
    const S = [...ids].map((id) => cells.get(id)?.seeds.length).filter((x): x is number => x !== undefined);
    if (S.length === 0) continue;
    const paper = [...new Set(mine.map((c) => c.paperSeeds))].sort((a, b) => a - b);
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


/** Sentence case for a clause that starts with a Latin lower-case letter ("α and R² …" stays as it is). */
const cap = (s: string) => (/^[a-z]/.test(s) ? s.charAt(0).toUpperCase() + s.slice(1) : s);
