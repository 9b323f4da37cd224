// The report's entry points: buildReport turns cell records into the HTML page, its Markdown twin and
// the SVG figures (in memory, via analyzeCells); writeReport also writes them under outDir, with a
// report.json of the comparisons. The report never trains: every number comes from the cells given.
// Loading cells (the paper's .npz, our store) is the caller's (src/cli/report.ts).

import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { analyzeCells, type AnalysisReport, type AnalyzeOptions } from "../analysis/analyze.js";
import { DEFAULT_BOOTSTRAP } from "../analysis/bootstrap.js";
import type { CellRecord } from "../analysis/records.js";
import { codeVersion } from "../base/version.js";
import { verdict, type Comparison } from "./compare.js";
import { buildComparisons } from "./comparisons.js";
import { buildDoc, type Figure, type ReportDoc } from "./doc.js";
import type { FigureSpec } from "./figures.js";
import { curvesFigure, defaultCurveCells } from "./figures-runs.js";
import { groupCells } from "./groups.js";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import { renderSvg } from "./render.js";
import { STUDY_FIGURES } from "./sections.js";
import { wcTable } from "./wc.js";

export interface ReportOptions {
  source: string; // where the cells came from: a store path or an .npz folder
  title?: string;
  notes?: string[]; // shown under "Analysis notes" (e.g. the preset, loader warnings)
  curveCells?: string[]; // cell ids for the training curves; default: a CE baseline and its sweep ends
  analysis?: AnalyzeOptions; // bootstrap resamples and seed, dose-law options
  codeVersion?: string; // default: the running package's version
  now?: Date; // generation time; default: the clock
}

export interface BuiltReport {
  analysis: AnalysisReport;
  comparisons: Comparison[];
  figures: Figure[];
  doc: ReportDoc;
  html: string;
  markdown: string; // figures linked as figures/<id>.svg
}

export const FIGURE_DIR = "figures";

export async function buildReport(cells: readonly CellRecord[], opts: ReportOptions): Promise<BuiltReport> {
  const analysis = analyzeCells(cells, opts.analysis ?? {});
  const groups = groupCells(cells);
  const comparisons = buildComparisons(analysis, groups);
  const byId = new Map(cells.map((c) => [c.id, c]));
  const chosen = opts.curveCells ? opts.curveCells.map((id) => byId.get(id)).filter((c): c is CellRecord => !!c) : defaultCurveCells(cells, groups);
  const unknown = (opts.curveCells ?? []).filter((id) => !byId.has(id));
  const specs: FigureSpec[] = [...STUDY_FIGURES.map((f) => f.make(analysis, groups)), curvesFigure(chosen, unknown)];
  const figures: Figure[] = [];
  for (const s of specs) {
    if (s.spec === null) figures.push({ ...s, svg: null, warnings: [] });
    else {
      const r = await renderSvg(s.spec, s.id);
      figures.push({ ...s, svg: r.svg, warnings: r.warnings });
    }
  }
  const boot = { ...DEFAULT_BOOTSTRAP, ...opts.analysis?.bootstrap };
  const doc = buildDoc({
    title: opts.title ?? "grokscale report: logit-scale mediation under cross-entropy",
    source: opts.source,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    codeVersion: opts.codeVersion ?? codeVersion(),
    cells,
    analysis,
    groups,
    comparisons,
    wc: wcTable(cells),
    figures,
    notes: opts.notes ?? [],
    bootstrap: { resamples: boot.resamples, seed: boot.seed },
  });
  return {
    analysis,
    comparisons,
    figures,
    doc,
    html: renderHtml(doc),
    markdown: renderMarkdown(doc, (id) => `${FIGURE_DIR}/${id}.svg`),
  };
}

/** Build the report and write report.html, report.md, report.json and figures/*.svg under outDir. */
export async function writeReport(
  cells: CellRecord[],
  opts: ReportOptions & { outDir: string },
): Promise<{ html: string; markdown: string; figures: string[] }> {
  const r = await buildReport(cells, opts);
  const figDir = path.join(opts.outDir, FIGURE_DIR);
  await mkdir(figDir, { recursive: true });
  const figures: string[] = [];
  for (const f of r.figures) {
    if (f.svg === null) continue;
    const file = path.join(figDir, `${f.id}.svg`);
    await writeFile(file, f.svg.startsWith("<?xml") ? f.svg : `<?xml version="1.0" encoding="utf-8"?>\n${f.svg}`);
    figures.push(file);
  }
  const html = path.join(opts.outDir, "report.html");
  const markdown = path.join(opts.outDir, "report.md");
  await writeFile(html, r.html);
  await writeFile(markdown, r.markdown);
  const json = {
    source: opts.source,
    meta: Object.fromEntries(r.doc.meta),
    headline: r.analysis.headline,
    comparisons: r.comparisons.map((c) => ({ ...c, verdict: verdict(c) })),
    notes: r.analysis.notes,
  };
  await writeFile(path.join(opts.outDir, "report.json"), `${JSON.stringify(json, null, 2)}\n`);
  return { html, markdown, figures };
}

export type { Comparison } from "./compare.js";
export type { Figure, ReportDoc } from "./doc.js";
