// End to end on the paper's released metrics (../shared/paper-data/metrics, or GROKSCALE_PAPER_DATA;
// skipped, saying why, where absent): writeReport renders the whole study to a temp folder, and its
// tables are checked against analyzeCells run on the same cells — the headline numbers sit in the
// summary beside the paper's, every listed cell id exists, and the HTML page is self-contained.

import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { analyzeCells, type AnalysisReport } from "../../src/analysis/analyze.js";
import { loadNpzDir } from "../../src/analysis/paper-files.js";
import type { CellRecord } from "../../src/analysis/records.js";
import { fmt, fmtCI, fmtX } from "../../src/report/format.js";
import { writeReport } from "../../src/report/index.js";
import { wcTable } from "../../src/report/wc.js";
import { checkXml } from "./xml.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dir = process.env.GROKSCALE_PAPER_DATA ?? path.resolve(repoRoot, "../shared/paper-data/metrics");
const present = existsSync(dir);
const title = present ? `report from the paper data at ${dir}` : `report from the paper data (SKIPPED: no metrics folder at ${dir}; set GROKSCALE_PAPER_DATA to run these)`;
const OPTS = { bootstrap: { resamples: 1000, seed: 0 } };

/** The summary table's rows from the Markdown: quantity -> { ours, paper, verdict }. */
function summaryRows(md: string): Map<string, { exp: string; ours: string; paper: string; verdict: string }> {
  const start = md.indexOf("**All published numbers, ours and the paper's**");
  const lines = md.slice(start).split("\n").slice(4);
  const rows = new Map<string, { exp: string; ours: string; paper: string; verdict: string }>();
  for (const l of lines) {
    if (!l.startsWith("| E")) break;
    const [exp, quantity, ours, paper, verdict] = l.slice(2, -2).split(" | ");
    rows.set(quantity!, { exp: exp!, ours: ours!, paper: paper!, verdict: verdict! });
  }
  return rows;
}

describe.skipIf(!present)(title, () => {
  let cells: CellRecord[];
  let a: AnalysisReport;
  let out: { html: string; markdown: string; figures: string[] };
  let md: string;
  let html: string;
  let json: { comparisons: Array<{ id: string; cellIds: string[]; verdict: string }>; headline: Record<string, unknown> };
  beforeAll(async () => {
    cells = (await loadNpzDir(dir)).cells;
    a = analyzeCells(cells, OPTS);
    const outDir = await mkdtemp(path.join(tmpdir(), "grokscale-report-"));
    out = await writeReport(cells, { outDir, source: dir, analysis: OPTS, codeVersion: "test" });
    md = await readFile(out.markdown, "utf8");
    html = await readFile(out.html, "utf8");
    json = JSON.parse(await readFile(path.join(outDir, "report.json"), "utf8"));
  });
  const h = (k: string) => {
    const v = a.headline[k];
    if (v === undefined) throw new Error(`${k} missing: ${a.notes.join("; ")}`);
    return v;
  };

  it("reads each group's w_c from the release's files (wc_used), which agree with the paper's printed values", () => {
    const rows = wcTable(cells);
    expect(rows.map((r) => r.key)).toEqual(["dose p113", "dose p43", "dose p59", "dose p67", "dose p97", "mlp ce p59", "mlp ce p97", "mlp mse p59", "mlp mse p97", "transformer ce p59"]);
    for (const r of rows) {
      expect(r.how[0], r.key).toBe("config");
      expect(Number(r.wc.toFixed(2)), r.key).toBe(r.paper); // PAPER_WC is the study's text, wc_used the files
    }
    // the allocation files carry no theta0/f_w1, so no config: they count with the paper's value
    const alloc = cells.filter((c) => c.experiment === "alloc" && c.arm === "alloc");
    expect(alloc.length).toBe(10);
    for (const c of alloc) expect(c.config_reason).toMatch(/theta0/);
  });

  it("writes the page, its Markdown twin, report.json and six SVG figures", async () => {
    expect(out.figures.map((f) => path.basename(f)).sort()).toEqual(
      ["fig-collapse.svg", "fig-curves.svg", "fig-dose.svg", "fig-forks.svg", "fig-grid.svg", "fig-tau.svg"],
    );
    for (const f of out.figures) {
      checkXml(await readFile(f, "utf8"));
      expect(md).toContain(`](figures/${path.basename(f)})`);
    }
    expect(json.headline).toEqual(JSON.parse(JSON.stringify(a.headline)));
    expect(md).not.toMatch(/fig-[a-z]+: (warning|error):/); // vega and vega-lite rendered silently
  });

  it("puts the analysis' headline numbers in the summary beside the paper's", () => {
    const rows = summaryRows(md);
    const ours = (q: string) => rows.get(q)?.ours;
    const ci = (k: string) => h(k) as [number, number];
    expect(ours("recovery (p59)")).toBe(`${fmt(h("recovery_p59") as number, 3)} ${fmtCI(ci("recovery_ci_p59"))}`);
    expect(rows.get("recovery (p59)")!.paper).toBe("0.83 [0.82, 0.85]");
    expect(ours("recovery (p97)")).toBe(`${fmt(h("recovery_p97") as number, 3)} ${fmtCI(ci("recovery_ci_p97"))}`);
    for (const p of [59, 67, 97, 113]) expect(ours(`α (p${p})`)).toBe(fmt(h(`alpha_p${p}`) as number, 3));
    expect(rows.get("α (p59)")!.paper).toBe("0.140");
    for (const p of [59, 97]) {
      expect(ours(`R²(L) (p${p})`)).toBe(fmt(h(`collapse_R2_p${p}`) as number, 3));
      expect(ours(`ΔR² adding ρ to L (p${p})`)).toBe(fmt(h(`collapse_dR2_p${p}`) as number, 3));
      expect(ours(`T_grok swing over γ (p${p})`)).toBe(fmtX(h(`alloc_swing_p${p}`) as number));
      expect(ours(`raised/same delay ratio (p${p})`)).toBe(`${fmtX(h(`samestate_ratio_p${p}`) as number)} ${fmtCI(ci(`samestate_ci_p${p}`), 2)}`);
    }
    expect(ours("T_grok(τ lowest) / T_grok(τ highest)")).toBe(fmtX(h("transformer_effect") as number));
    expect(rows.get("T_grok(τ lowest) / T_grok(τ highest)")!.paper).toBe("4.7×");
  });

  it("finds the paper's data agreeing with the paper, E6 (no audit cells released) aside", () => {
    const bad = json.comparisons.filter((c) => c.verdict !== "agrees" && c.verdict !== "not in paper");
    expect(bad.every((c) => c.id.startsWith("E6.") && c.verdict === "no data")).toBe(true);
    expect(md).toContain("No published number with a value from this data lies outside its tolerance.");
    expect(md).toMatch(/E6 Float64 audit: 7 numbers without a value/);
  });

  it("lists only cell ids that exist, and every number has its cells", () => {
    const ids = new Set(cells.map((c) => c.id));
    for (const c of json.comparisons) {
      if (c.verdict !== "no data") expect(c.cellIds.length, c.id).toBeGreaterThan(0);
      for (const id of c.cellIds) expect(ids.has(id), `${c.id}: ${id}`).toBe(true);
    }
    const listed = new Set([...md.matchAll(/`([^`\s]+\.npz)`/g)].map((m) => m[1]!));
    expect(listed.size).toBe(cells.length); // the cell index lists them all
    for (const id of listed) expect(ids.has(id), id).toBe(true);
  });

  it("is one self-contained HTML page whose links all resolve", () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|\ssrc=/i);
    expect(html).not.toMatch(/(href|xlink:href)="https?:/);
    expect(html.match(/<svg /g)).toHaveLength(6);
    const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
    const targets = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!);
    expect(targets.length).toBeGreaterThan(100);
    for (const t of targets) expect(ids.has(t), t).toBe(true);
    for (const s of ["E1 Dose law", "E9 Forking arms", "Where we differ and why", "Training curves", "Cells"]) expect(html).toContain(`<h2>${s}</h2>`);
  });
});
