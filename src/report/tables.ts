// The report's tables that are not tied to one experiment: ours-beside-paper comparison tables, the
// generic per-cell table (seed counts, censoring, cell id) that each experiment section instantiates,
// the index of every cell, and the w_c table. Builds Table data; rendering is table.ts's.
// Per-experiment detail tables are in exp-tables.ts.

import { summarizeCell, type CellSummary } from "../analysis/cell-stats.js";
import type { CellRecord } from "../analysis/records.js";
import { fmtComparisonOurs, tolerance, verdict, type Comparison } from "./compare.js";
import { fmt, fmtParam, fmtSeeds, fmtSteps } from "./format.js";
import { cellAnchor, type Entry, type Table } from "./table.js";
import type { WcRow } from "./wc.js";

export type CellMap = ReadonlyMap<string, CellRecord>;

/** Seed totals over a set of cells: "70/72 grokked, 2 censored". */
export function seedTotals(ids: readonly string[], cells: CellMap): string {
  const cs = ids.map((id) => cells.get(id)).filter((c): c is CellRecord => !!c);
  if (cs.length === 0) return "—";
  let S = 0;
  let g = 0;
  let cen = 0;
  let div = 0;
  for (const c of cs) {
    for (const s of c.seeds) {
      S++;
      if (s.T_grok !== null) g++;
      else if (s.status === "diverged") div++;
      else cen++;
    }
  }
  const parts = [`${fmtSeeds(g, S)} grokked in ${cs.length} cell${cs.length === 1 ? "" : "s"}`];
  if (cen) parts.push(`${cen} censored`);
  if (div) parts.push(`${div} diverged`);
  return parts.join(", ");
}

/** Ours beside the paper for a list of comparisons; `withExp` adds the experiment column. */
export function comparisonTable(id: string, title: string, comps: readonly Comparison[], cells: CellMap, withExp: boolean): Table {
  const columns = [
    ...(withExp ? ["Exp."] : []),
    "Quantity",
    "Ours",
    "Paper",
    "Verdict (tolerance)",
    "Our seeds",
    "Paper seeds / cell",
    "Cells",
  ];
  const same = (i: number) => i > 0 && comps[i]!.cellIds.length > 0 && comps[i]!.cellIds.join("\n") === comps[i - 1]!.cellIds.join("\n");
  const rows: Entry[][] = comps.map((c, i) => {
    const v = verdict(c);
    const vText = v === "agrees" || v === "differs" || v === "within CI" ? `${v} (${tolerance(c.kind)})` : v;
    return [
      ...(withExp ? [c.exp] : []),
      c.quantity,
      c.ours === null && !c.noGrok ? `— (${c.missing ?? "not computed"})` : fmtComparisonOurs(c, cells),
      c.paperShown,
      vText,
      seedTotals(c.cellIds, cells),
      String(c.paperSeeds),
      withExp ? (c.cellIds.length ? `${c.cellIds.length} (listed in ${c.exp})` : "—") : same(i) ? "as the row above" : { ids: c.cellIds },
    ];
  });
  const numeric = columns.map((c) => c === "Ours" || c === "Paper");
  return { id, title, columns, numeric, rows, notes: [] };
}

/** The columns a per-cell table can show. */
export type CellCol =
  | "arm" | "model" | "p" | "loss" | "rho" | "tau" | "gamma" | "dtype" | "wd"
  | "T_grok" | "T_mem" | "delay" | "L" | "norm" | "seeds" | "censored" | "diverged" | "last" | "status" | "id";

const HEAD: Record<CellCol, string> = {
  arm: "arm", model: "model", p: "p", loss: "loss", rho: "ρ", tau: "τ", gamma: "γ", dtype: "dtype", wd: "λ",
  T_grok: "T_grok (median)", T_mem: "T_mem (median)", delay: "delay", L: "L at grok", norm: "‖W‖ at grok",
  seeds: "grokked / seeds", censored: "censored", diverged: "diverged", last: "last logged step", status: "counts?", id: "cell id",
};

const NUMERIC = new Set<CellCol>(["p", "rho", "tau", "gamma", "wd", "T_grok", "T_mem", "delay", "L", "norm", "censored", "diverged", "last"]);

function colValue(col: CellCol, s: CellSummary): Entry {
  const c = s.cell;
  switch (col) {
    case "arm": return c.arm;
    case "model": return c.model;
    case "p": return String(c.p);
    case "loss": return c.loss.toUpperCase();
    case "rho": return fmtParam(c.rho);
    case "tau": return fmtParam(c.tau);
    case "gamma": return fmtParam(c.gamma);
    case "dtype": return c.dtype === "f32" ? "float32" : "float64";
    case "wd": return fmtParam(c.wd);
    case "T_grok": return fmtSteps(s.T_grok);
    case "T_mem": return fmtSteps(s.T_mem);
    case "delay": return s.T_grok !== null && s.T_mem !== null ? fmtSteps(s.T_grok - s.T_mem) : "—";
    case "L": return fmt(s.L, 3);
    case "norm": return fmt(s.norm, 2);
    case "seeds": return fmtSeeds(s.nGrokked, s.S);
    case "censored": return String(s.nCensored);
    case "diverged": return String(s.nDiverged);
    case "last": return fmtSteps(lastStep(c));
    case "status": return statusText(s);
    case "id": return { ids: [c.id] };
  }
}

/** "yes", or why the cell does not count (the analysis' reason). */
export function statusText(s: CellSummary): string {
  return s.reason === null ? "yes" : `no: ${s.reason}`;
}

export function lastStep(c: CellRecord): number | null {
  const st = c.series.step;
  return st.length ? st[st.length - 1]! : null;
}

export interface ExtraCol {
  name: string;
  numeric?: boolean;
  value: (s: CellSummary) => string;
}

/** One row per cell: the chosen columns, then extra columns, with the cell id last. */
export function cellTable(id: string, title: string, cells: readonly CellRecord[], cols: readonly CellCol[], extra: ExtraCol[] = [], notes: string[] = []): Table {
  const sums = cells.map(summarizeCell);
  const all = cols.filter((c) => c !== "id");
  const columns = [...all.map((c) => HEAD[c]), ...extra.map((e) => e.name), HEAD.id];
  const numeric = [...all.map((c) => NUMERIC.has(c)), ...extra.map((e) => !!e.numeric), false];
  const rows = sums.map((s) => [...all.map((c) => colValue(c, s)), ...extra.map((e) => e.value(s)), colValue("id", s)]);
  return { id, title, columns, numeric, rows, notes };
}

/** Every cell of the input, with its seed counts and censoring: the index the other tables link to. */
export function cellIndexTable(cells: readonly CellRecord[]): Table {
  const str = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const sorted = [...cells].sort(
    (a, b) =>
      str(a.experiment, b.experiment) || str(a.model, b.model) || str(a.loss, b.loss) || a.p - b.p || str(a.arm, b.arm) ||
      a.rho - b.rho || a.tau - b.tau || (a.gamma ?? 0) - (b.gamma ?? 0) || str(a.dtype, b.dtype) || a.wd - b.wd || str(a.id, b.id),
  );
  const t = cellTable(
    "cell-index",
    "Every cell in the input (seed counts, censoring; medians over grokked seeds; a cell counts only if at least half its seeds grok)",
    sorted,
    ["arm", "model", "p", "loss", "rho", "tau", "gamma", "dtype", "wd", "T_grok", "T_mem", "L", "seeds", "censored", "diverged", "last", "status", "id"],
  );
  const exp = sorted.map((c) => c.experiment);
  t.columns.unshift("experiment");
  t.numeric!.unshift(false);
  t.rows.forEach((r, i) => r.unshift(exp[i]!));
  t.rowAnchors = sorted.map((c) => cellAnchor(c.id));
  return t;
}

export function wcTableOf(rows: readonly WcRow[]): Table {
  return {
    id: "wc",
    title: "Reference norm w_c used by the clamped cells",
    columns: ["group", "w_c (ours)", "how", "spread across cells", "paper w_c", "cells"],
    numeric: [false, true, false, true, true, false],
    rows: rows.map((r) => [
      r.key,
      fmt(r.wc, 2),
      r.how.map((h) => (h === "config" ? "the cells' run config" : "the paper's value (cells without a run config)")).join(" and "),
      `${fmt(100 * r.spread, 2)}%`,
      r.paper === null ? "—" : fmt(r.paper, 2),
      { ids: r.cellIds },
    ]),
    notes: [],
  };
}
