// The dashboard's analysis view of a store: the stored cells (loadCellRecords), analyzeCells' tables
// and headline numbers, per-cell statistics, and the report's own tables and Vega-Lite figure specs
// (src/report) arranged by experiment as the report arranges them, plus one dashboard figure: the
// delay against the logit scale for every counting cell, with the cell in the tooltip. Cached per
// store fingerprint. It renders nothing (the page does) and never trains or writes.

import { analyzeCells, type AnalysisReport } from "../analysis/analyze.js";
import { DEFAULT_BOOTSTRAP } from "../analysis/bootstrap.js";
import { summarizeCell } from "../analysis/cell-stats.js";
import { cellLabel, type CellRecord } from "../analysis/records.js";
import { cureOf } from "../base/cure.js";
import { beyondSections } from "../report/beyond.js";
import { CURE_NAME } from "../report/findings.js";
import { buildComparisons } from "../report/comparisons.js";
import { experimentTables } from "../report/exp-tables.js";
import type { FigureSpec } from "../report/figures.js";
import { groupCells } from "../report/groups.js";
import { EXPERIMENTS, PAPER } from "../report/paper.js";
import { EXPERIMENT_OF, figuresOf, STUDY_FIGURES } from "../report/sections.js";
import { FIGURE_CONFIG, type VlSpec } from "../report/render.js";
import type { Table } from "../report/table.js";
import { comparisonTable } from "../report/tables.js";
import { loadCellRecords } from "../sweep/cells.js";
import { fingerprint, type StoreReader } from "./db.js";

/** A cell's statistics as the analysis computes them (docs/study.md §6); delay = T_grok − T_mem of the medians. */
export interface CellStats {
  S: number;
  grokked: number;
  censored: number;
  diverged: number;
  T_grok: number | null;
  T_mem: number | null;
  delay: number | null;
  L: number | null;
  L_step: number | null;
  norm: number | null;
  counts: boolean;
  dropped: string | null;
}

export interface DashFigure {
  id: string;
  title: string;
  caption: string;
  spec: VlSpec | null;
  notes: string[];
  cellIds: string[];
}

export interface ExperimentSection {
  id: string; // "e2"
  title: string;
  paper: string; // the paper's wording; beyond the paper (E10, E11), the question asked
  beyond: boolean; // an experiment beyond the paper (docs/study.md §11)
  hasCells: boolean;
  tables: Table[];
  figures: DashFigure[];
  findings: string[]; // E10, E11: the report's closing sentences, from the numbers
}

export interface AnalysisPayload {
  fingerprint: string;
  cells: number;
  cellOf: Record<string, string>; // record id → its stored cell (CellRecord.cell), for links from table ids
  headline: AnalysisReport["headline"];
  notes: string[];
  collapse: DashFigure; // delay against L, every counting cell
  summary: Table | null; // every published number beside ours
  sections: ExperimentSection[];
  errors: string[]; // parts of the report code that failed on this data
}

export interface AnalysisView {
  payload: AnalysisPayload;
  records: CellRecord[];
  stats: Map<string, CellStats>; // by CellRecord.cell (a cell in several experiments has one entry)
}


/** Tooltips on every mark of a report figure, in the report's look. */
const withTooltips = (spec: VlSpec): VlSpec => ({
  ...spec,
  config: { ...FIGURE_CONFIG, ...((spec["config"] as object | undefined) ?? {}), mark: { tooltip: { content: "data" } } },
});

export function statsOf(c: CellRecord): CellStats {
  const s = summarizeCell(c);
  return {
    S: s.S, grokked: s.nGrokked, censored: s.nCensored, diverged: s.nDiverged, T_grok: s.T_grok, T_mem: s.T_mem,
    delay: s.T_grok !== null && s.T_mem !== null ? s.T_grok - s.T_mem : null, L: s.L, L_step: s.L_step, norm: s.norm,
    counts: s.dropped === null && s.T_grok !== null, dropped: s.dropped,
  };
}

/** The dashboard's collapse plot: each counting cell's delay (log) against its L at grok. */
export function delayFigure(records: readonly CellRecord[]): DashFigure {
  const rows: VlSpec[] = [];
  const notes: string[] = [];
  for (const c of records) {
    const id = c.cell;
    const st = statsOf(c);
    if (!st.counts || st.L === null || st.delay === null) continue;
    if (st.delay <= 0) {
      notes.push(`${cellLabel(c)}: delay ${st.delay} is not positive; not on the log axis`);
      continue;
    }
    rows.push({
      cell_id: id, cell: id.slice(0, 12), label: `${c.experiment}/${c.arm} p${c.p} ${c.loss} ρ${c.rho} τ${c.tau}${c.gamma === null ? "" : ` γ${c.gamma}`} ${c.dtype}`,
      group: groupLabel(c), arm: c.arm, L: st.L, delay: st.delay, T_grok: st.T_grok, T_mem: st.T_mem,
      seeds: `${st.grokked}/${st.S} grokked`, rho: c.rho, tau: c.tau,
    });
  }
  const caption =
    "Every counting cell (at least half its seeds grokked): the delay T_grok − T_mem (cell medians) against the logit scale L at grok. " +
    "Hover a point for the cell; click it to open the cell.";
  if (rows.length === 0) return { id: "fig-delay", title: "Delay against the logit scale", caption, spec: null, notes: ["no counting cells yet", ...notes], cellIds: [] };
  const spec: VlSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Delay against the logit scale L", subtitle: "one point per counting cell; log y" },
    width: 520,
    height: 320,
    data: { values: rows },
    mark: { type: "point", filled: true, size: 90, opacity: 0.85, cursor: "pointer" },
    encoding: {
      x: { field: "L", type: "quantitative", title: "L (logit scale at grok)", scale: { zero: false, padding: 14 } },
      y: { field: "delay", type: "quantitative", title: "delay = T_grok − T_mem (steps)", scale: { type: "log", padding: 14 } },
      color: { field: "group", type: "nominal", title: "experiment, loss, modulus" },
      shape: { field: "arm", type: "nominal", title: "arm" },
      tooltip: [
        { field: "label", title: "cell" },
        { field: "cell_id", title: "id" },
        { field: "seeds", title: "seeds" },
        { field: "T_grok", title: "T_grok" },
        { field: "T_mem", title: "T_mem" },
        { field: "delay", title: "delay" },
        { field: "L", title: "L" },
      ],
    },
    config: FIGURE_CONFIG,
  };
  return { id: "fig-delay", title: "Delay against the logit scale", caption, spec, notes, cellIds: rows.map((r) => r["cell_id"] as string) };
}

/** The delay plot's colour group: experiment, loss and modulus; E10 by its cure, E11 by its lr arm. */
export function groupLabel(c: CellRecord): string {
  if (c.experiment === "cures") return `cures ${CURE_NAME[cureOf({ loss: c.loss, orthograd: c.config?.orthograd }) ?? ""] ?? c.loss.toUpperCase()} p${c.p}`;
  if (c.experiment === "optimiser") return `optimiser ${c.arm === "grid-lr" ? "lr·ρ" : c.arm} p${c.p}`;
  return `${c.experiment} ${c.loss.toUpperCase()} p${c.p}`;
}

function dashFigure(f: FigureSpec): DashFigure {
  return { id: f.id, title: f.title, caption: f.caption, spec: f.spec === null ? null : withTooltips(f.spec), notes: f.notes, cellIds: f.cellIds };
}

/** Builds the whole analysis view from the store's cells (no caching here; see AnalysisCache). */
export function buildAnalysis(records: CellRecord[], fp: string, resamples: number): AnalysisView {
  const analysis = analyzeCells(records, { bootstrap: { ...DEFAULT_BOOTSTRAP, resamples } });
  const stats = new Map<string, CellStats>();
  for (const c of records) {
    const id = c.cell;
    if (!stats.has(id)) stats.set(id, statsOf(c));
  }
  const errors: string[] = [];
  // the report's code is used as it is; a part that fails on this data is reported, not fatal
  const attempt = <T>(what: string, f: () => T, fallback: T): T => {
    try {
      return f();
    } catch (err) {
      errors.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      return fallback;
    }
  };
  const groups = attempt("grouping cells", () => groupCells(records), null);
  const byId = new Map(records.map((c) => [c.id, c]));
  const comparisons = groups ? attempt("comparisons", () => buildComparisons(analysis, groups), []) : [];
  const figures = new Map<string, DashFigure>();
  if (groups) {
    for (const { id, make } of STUDY_FIGURES) {
      const f = attempt(`figure ${id}`, () => make(analysis, groups), null);
      if (f) figures.set(id, dashFigure(f));
    }
  }
  const sections: ExperimentSection[] = EXPERIMENTS.map((e) => {
    const hasCells = records.some((c) => c.experiment === EXPERIMENT_OF[e]);
    const tables: Table[] = [];
    const comps = comparisons.filter((c) => c.exp === e);
    const cmp = comps.length ? attempt(`${e} comparison`, () => comparisonTable(`${e.toLowerCase()}-compare`, `${e}: ours beside the paper`, comps, byId, false), null) : null;
    if (cmp) tables.push(cmp);
    if (hasCells && groups) tables.push(...attempt(`${e} tables`, () => experimentTables(e, analysis, groups), []));
    return {
      id: e.toLowerCase(),
      title: PAPER.titles[e],
      paper: PAPER.text[e],
      beyond: false,
      hasCells,
      tables,
      figures: figuresOf(e).map((id) => figures.get(id)).filter((f): f is DashFigure => !!f),
      findings: [],
    };
  });
  if (groups) {
    const beyond = attempt("E10/E11 sections", () => beyondSections(analysis, groups, records), []);
    for (const b of beyond) sections.push({ id: b.id, title: b.title, paper: b.question, beyond: true, hasCells: b.hasCells, tables: b.tables, figures: [], findings: b.findings });
  }
  const summary = comparisons.length ? attempt("summary table", () => comparisonTable("summary-table", "Every published number, ours and the paper's", comparisons, byId, true), null) : null;
  return {
    records,
    stats,
    payload: {
      fingerprint: fp, cells: records.length, cellOf: Object.fromEntries(records.map((c) => [c.id, c.cell])), headline: analysis.headline, notes: analysis.notes, collapse: delayFigure(records),
      summary, sections, errors,
    },
  };
}

/**
 * Recomputes the analysis only when the store's results changed, and at most once per minAgeMs while
 * a sweep keeps landing results (the previous view is served meanwhile); concurrent callers share a build.
 */
export class AnalysisCache {
  private current: { fp: string; at: number; view: Promise<AnalysisView> } | null = null;

  constructor(private readonly reader: StoreReader, private readonly resamples: number, private readonly minAgeMs = 5000) {}

  async get(): Promise<AnalysisView> {
    const fp = await this.reader.read(fingerprint);
    const cur = this.current;
    if (cur === null || (cur.fp !== fp && Date.now() - cur.at >= this.minAgeMs)) {
      const view = this.reader.retry(() => loadCellRecords(this.reader.path)).then((records) => buildAnalysis(records, fp, this.resamples));
      const entry = { fp, at: Date.now(), view };
      this.current = entry;
      view.catch(() => {
        if (this.current === entry) this.current = null; // a failed build is not cached
      });
    }
    return this.current!.view;
  }
}
