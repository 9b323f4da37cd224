// The report as one document model — header facts, then sections of text, lists, tables and figures —
// assembled from the analysis, the comparisons, the rendered figures and the cells. html.ts and
// markdown.ts render this same model, so the two files always say the same thing. Pure: the clock,
// the code version and the source arrive as data; nothing is read or written here.

import type { AnalysisReport } from "../analysis/analyze.js";
import type { CellRecord } from "../analysis/records.js";
import { beyondSections } from "./beyond.js";
import { tolerance, type Comparison, type Kind } from "./compare.js";
import { differences } from "./differ.js";
import { experimentTables } from "./exp-tables.js";
import type { FigureSpec } from "./figures.js";
import { fmt } from "./format.js";
import type { CellGroups } from "./groups.js";
import { EXPERIMENTS, PAPER } from "./paper.js";
import { EXPERIMENT_OF, figuresOf, STUDY_FIGURES } from "./sections.js";
import type { Table } from "./table.js";
import { cellIndexTable, comparisonTable, wcTableOf, type CellMap } from "./tables.js";
import type { WcRow } from "./wc.js";

export interface Figure extends FigureSpec {
  svg: string | null; // null when skipped
  warnings: string[]; // from vega-lite / vega while rendering
}

export type Block =
  | { kind: "text"; text: string }
  | { kind: "quote"; text: string }
  | { kind: "list"; items: string[] }
  | { kind: "table"; table: Table }
  | { kind: "figure"; figure: Figure };

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}

export interface ReportDoc {
  title: string;
  meta: Array<[string, string]>;
  sections: Section[];
}

export interface DocInput {
  title: string;
  source: string;
  generatedAt: string; // ISO time
  codeVersion: string;
  cells: readonly CellRecord[];
  analysis: AnalysisReport;
  groups: CellGroups;
  comparisons: Comparison[];
  wc: WcRow[];
  figures: Figure[];
  notes: string[]; // the caller's (e.g. which preset, loader warnings)
  bootstrap: { resamples: number; seed: number };
}

export function buildDoc(inp: DocInput): ReportDoc {
  const cells: CellMap = new Map(inp.cells.map((c) => [c.id, c]));
  const fig = new Map(inp.figures.map((f) => [f.id, f]));
  const sections: Section[] = [];

  const kinds = [...new Set(inp.comparisons.map((c) => c.kind))] as Kind[];
  sections.push({
    id: "summary",
    title: "Ours beside the paper",
    blocks: [
      {
        kind: "text",
        text:
          "Every number the paper reports (docs/study.md §7) next to ours from this data. " +
          `Tolerances: ${kinds.map((k) => `${k} ${tolerance(k)}`).join(", ")}. ` +
          "“within CI”: outside the tolerance but our interval and the paper's overlap (or ours holds the paper's value).",
      },
      { kind: "table", table: comparisonTable("summary-table", "All published numbers, ours and the paper's", inp.comparisons, cells, true) },
    ],
  });

  const d = differences(inp.comparisons, cells, inp.wc);
  const differ: Block[] = [{ kind: "list", items: d.overview }];
  differ.push({
    kind: "text",
    text: d.items.length
      ? "Numbers outside their tolerance, with what the data record about why:"
      : "No published number with a value from this data lies outside its tolerance.",
  });
  if (d.items.length) differ.push({ kind: "list", items: d.items });
  if (d.missing.length) differ.push({ kind: "text", text: "Numbers this data could not give:" }, { kind: "list", items: d.missing });
  sections.push({ id: "differ", title: "Where we differ and why", blocks: differ });

  for (const e of EXPERIMENTS) {
    const comps = inp.comparisons.filter((c) => c.exp === e);
    const has = inp.cells.some((c) => c.experiment === EXPERIMENT_OF[e]);
    const blocks: Block[] = [{ kind: "quote", text: `Paper (docs/study.md §7): ${PAPER.text[e]}` }];
    if (!has) blocks.push({ kind: "text", text: `No cells of experiment “${EXPERIMENT_OF[e]}” in this data: the paper's numbers are listed without ours.` });
    if (comps.length) blocks.push({ kind: "table", table: comparisonTable(`${e.toLowerCase()}-compare`, `${e}: ours beside the paper`, comps, cells, false) });
    if (has) for (const t of experimentTables(e, inp.analysis, inp.groups)) blocks.push({ kind: "table", table: t });
    for (const id of figuresOf(e)) {
      const f = fig.get(id);
      if (f) blocks.push({ kind: "figure", figure: f });
    }
    sections.push({ id: e.toLowerCase(), title: PAPER.titles[e], blocks });
  }

  // beyond the paper (docs/study.md §11): only when the data hold cells of the experiment
  for (const b of beyondSections(inp.analysis, inp.groups, inp.cells).filter((b) => b.hasCells)) {
    const blocks: Block[] = [{ kind: "quote", text: b.question }, ...b.tables.map((table): Block => ({ kind: "table", table }))];
    blocks.push({ kind: "text", text: "What these numbers say:" }, { kind: "list", items: b.findings });
    sections.push({ id: b.id, title: b.title, blocks });
  }

  const curves = fig.get("fig-curves");
  if (curves) sections.push({ id: "curves", title: "Training curves", blocks: [{ kind: "figure", figure: curves }] });
  const placed = new Set([...STUDY_FIGURES.map((f) => f.id), "fig-curves"]);
  for (const f of inp.figures.filter((f) => !placed.has(f.id))) sections.push({ id: f.id, title: f.title, blocks: [{ kind: "figure", figure: f }] });

  sections.push({
    id: "wc-section",
    title: "Reference norms w_c",
    blocks: [
      {
        kind: "text",
        text:
          "The clamp holds ‖W‖ = ρ·w_c; the cells carry no w_c field, so it is read back as ‖W‖/ρ at each clamped cell's " +
          "last logged step (or taken from the record where one is stored).",
      },
      { kind: "table", table: wcTableOf(inp.wc) },
    ],
  });
  sections.push({ id: "cells", title: "Cells", blocks: [{ kind: "table", table: cellIndexTable(inp.cells) }] });
  const notes = [...inp.notes, ...inp.analysis.notes, ...inp.figures.flatMap((f) => f.warnings.map((w) => `${f.id}: ${w}`))];
  sections.push({ id: "notes", title: "Analysis notes", blocks: notes.length ? [{ kind: "list", items: notes }] : [{ kind: "text", text: "None." }] });

  return { title: inp.title, meta: meta(inp), sections };
}

function wcLine(wc: readonly WcRow[]): string {
  if (wc.length === 0) return "no clamped cells";
  const paper = (w: WcRow) => w.how.includes("paper");
  const star = wc.some(paper) ? " (* with the paper's value for cells that carry no run config)" : "";
  return wc.map((w) => `${w.key} ${fmt(w.wc, 2)}${paper(w) ? "*" : ""}`).join(", ") + star;
}

function meta(inp: DocInput): Array<[string, string]> {
  const byExp = new Map<string, number>();
  for (const c of inp.cells) byExp.set(c.experiment, (byExp.get(c.experiment) ?? 0) + 1);
  const byS = new Map<number, number>();
  for (const c of inp.cells) byS.set(c.seeds.length, (byS.get(c.seeds.length) ?? 0) + 1);
  const seeds = inp.cells.flatMap((c) => c.seeds);
  const grokked = seeds.filter((s) => s.T_grok !== null).length;
  const diverged = seeds.filter((s) => s.status === "diverged").length;
  return [
    ["Data source", inp.source],
    ["Generated", inp.generatedAt],
    ["Code version", inp.codeVersion],
    ["Cells", `${inp.cells.length}${byExp.size ? ` (${[...byExp].map(([e, n]) => `${e} ${n}`).join(", ")})` : ""}`],
    ["Seeds per cell", [...byS].sort((a, b) => b[0] - a[0]).map(([S, n]) => `${S} seeds in ${n} cell${n === 1 ? "" : "s"}`).join("; ")],
    ["Seeds", `${seeds.length} runs: ${grokked} grokked, ${seeds.length - grokked - diverged} censored, ${diverged} diverged`],
    ["w_c used", wcLine(inp.wc)],
    ["Bootstrap", `${inp.bootstrap.resamples} paired resamples, seed ${inp.bootstrap.seed}`],
  ];
}
