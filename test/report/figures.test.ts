// Figures: each of the six Vega-Lite specs renders to well-formed SVG in Node (no canvas, no
// warnings), with its title and marks, on a synthetic study; missing experiments and censored cells
// are skipped or marked with a note, never imputed; ids stay unique when SVGs are inlined together.

import { beforeAll, describe, expect, it } from "vitest";
import { analyzeCells } from "../../src/analysis/analyze.js";
import { fmt } from "../../src/report/format.js";
import { collapseFigure, doseFigure, gridFigure, tauFigure } from "../../src/report/figures.js";
import { curvesFigure, forkFigure } from "../../src/report/figures-runs.js";
import { groupCells } from "../../src/report/groups.js";
import { buildReport, type BuiltReport } from "../../src/report/index.js";
import { prefixIds, renderSvg } from "../../src/report/render.js";
import { mk, seeds, series, syntheticStudy } from "./fixtures.js";
import { checkXml } from "./xml.js";

const OPTS = { source: "synthetic", codeVersion: "test", now: new Date("2026-01-01T00:00:00Z"), analysis: { bootstrap: { resamples: 200 } } };

describe("figures on a synthetic study", () => {
  const cells = syntheticStudy();
  let built: BuiltReport;
  beforeAll(async () => {
    built = await buildReport(cells, OPTS);
  });
  const fig = (id: string) => built.figures.find((f) => f.id === id)!;

  it("draws all six figures as well-formed SVG without vega warnings", () => {
    expect(built.figures.map((f) => f.id)).toEqual(["fig-collapse", "fig-grid", "fig-tau", "fig-dose", "fig-forks", "fig-curves"]);
    for (const f of built.figures) {
      expect(f.svg, f.id).not.toBeNull();
      const tags = checkXml(f.svg!);
      expect(tags.get("svg"), f.id).toBeGreaterThanOrEqual(1);
      expect(f.svg!).toContain("<text");
      expect(f.warnings, f.id).toEqual([]);
    }
  });

  it("puts the expected titles and marks in each figure", () => {
    expect(fig("fig-collapse").svg).toContain("The collapse: T_grok/T0 against L/L0");
    expect(fig("fig-collapse").svg).toContain("L / L0");
    expect(fig("fig-collapse").svg).toMatch(/mark-symbol/);
    expect(fig("fig-collapse").svg).toMatch(/mark-rule/);
    expect(fig("fig-dose").svg).toContain("ln T_grok");
    expect(fig("fig-dose").svg).toMatch(/mark-line/);
    expect(fig("fig-tau").svg).toContain("T_mem");
    expect(fig("fig-forks").svg).toContain("raised");
    expect(fig("fig-forks").svg).toMatch(/mark-tick|mark-rect/);
    expect(fig("fig-curves").svg).toContain("accuracy");
    expect(fig("fig-curves").svg).toContain("logit scale L");
  });

  it("titles the E3 panel with the R² the analysis computed", () => {
    const c = built.analysis.tables.collapse["p7"]!;
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(fig("fig-grid").svg).toContain(`R²(L) = ${fmt(c.value.r2L, 3)}`);
    expect(fig("fig-grid").svg).toContain(`(n = ${c.value.n})`);
  });

  it("lists censored cells and seeds instead of imputing them", () => {
    const dose = fig("fig-dose");
    expect(dose.notes.some((n) => n.includes("syn/dose_clamp_ce_rho1.1_tau1") && n.includes("not plotted"))).toBe(true);
    expect(dose.cellIds).not.toContain("syn/dose_clamp_ce_rho1.1_tau1");
    const forks = fig("fig-forks");
    expect(forks.notes.some((n) => n.includes("1 of 3 seeds did not grok"))).toBe(true);
    // the censored seed is a marker at the top edge (y 4 px), labelled by arm and seed, with no delay
    expect(forks.svg).toMatch(/aria-label="arm: raised; seed: 2"[^>]*transform="translate\([\d.]+,4\)"/);
  });

  it("keeps element ids unique when every SVG sits in one HTML page", () => {
    const ids = [...built.html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("figures without their experiments", () => {
  it("skips each figure with a note when its cells are absent", async () => {
    const only = [mk({ experiment: "mediation", arm: "base", series: series(10) })];
    const a = analyzeCells(only, { bootstrap: { resamples: 50 } });
    const g = groupCells(only);
    expect(gridFigure(a, g).spec).toBeNull();
    expect(doseFigure(a, g).notes[0]).toMatch(/figure skipped/);
    expect(forkFigure(g).spec).toBeNull();
    expect(collapseFigure(g).spec).not.toBeNull(); // the baseline alone is one point at (1, 1)
    expect(tauFigure(a, g).spec).not.toBeNull();
    expect(curvesFigure([]).notes[0]).toMatch(/figure skipped/);
    const built = await buildReport(only, OPTS);
    expect(built.figures.filter((f) => f.svg === null).map((f) => f.id).sort()).toEqual(["fig-dose", "fig-forks", "fig-grid"]);
    expect(built.html).toContain("figure skipped: no forking-arm cells");
  });

  it("marks a mediation cell that does not count at the top of the τ figure", async () => {
    const cells = [
      mk({ experiment: "mediation", arm: "base", series: series(10) }),
      mk({ experiment: "mediation", arm: "up", rho: 1.15, tau: 1, seeds: seeds([null, null, 3000]), series: series(14) }),
    ];
    const f = tauFigure(analyzeCells(cells, { bootstrap: { resamples: 20 } }), groupCells(cells));
    expect(f.notes.some((n) => n.includes("does not count") && n.includes("τ 1"))).toBe(true);
    const r = await renderSvg(f.spec!, "t");
    checkXml(r.svg);
    expect(r.warnings).toEqual([]);
  });

  it("leaves out curve panels nobody logged", () => {
    const c = mk({ experiment: "mediation", arm: "base", series: { step: [0, 100], logit_scale: [1, 2], weight_norm: [3, 4] } });
    const f = curvesFigure([c]);
    expect(f.notes).toContain('panel "accuracy" left out: none of the chosen cells logged it');
    expect(f.notes).toContain('panel "saturation" left out: none of the chosen cells logged it');
  });
});

describe("prefixIds", () => {
  it("renames ids and every reference to them", () => {
    const svg = '<svg><clipPath id="clip1"><rect/></clipPath><g clip-path="url(#clip1)"/><use href="#clip1"/><g id="x"/></svg>';
    expect(prefixIds(svg, "f")).toBe('<svg><clipPath id="f-clip1"><rect/></clipPath><g clip-path="url(#f-clip1)"/><use href="#f-clip1"/><g id="f-x"/></svg>');
  });
});

describe("degenerate input", () => {
  it("builds a report from no cells, every figure skipped and every number without a value", async () => {
    const built = await buildReport([], OPTS);
    expect(built.figures.every((f) => f.svg === null)).toBe(true);
    expect(built.comparisons.every((c) => c.ours === null)).toBe(true);
    expect(built.markdown).toContain("- **Cells:** 0\n");
    checkXml(built.html.replace(/^<!DOCTYPE html>\n/, "").replace(/<meta ([^>]*[^/])>/g, "<meta $1/>"));
  });

  it("drops non-finite logged values (a store's NaN) from the curves instead of plotting them", async () => {
    const s = series(10);
    s.logit_scale[3] = Number.NaN;
    s.test_acc![4] = Number.NaN;
    const c = mk({ experiment: "mediation", arm: "base", series: s });
    const f = curvesFigure([c]);
    const values = (f.spec!["vconcat"] as Array<{ layer: Array<{ data: { values: Array<{ value: number }> } }> }>).flatMap((p) => p.layer[0]!.data.values);
    expect(values.every((v) => Number.isFinite(v.value))).toBe(true);
    expect((await renderSvg(f.spec!, "c")).warnings).toEqual([]);
  });
});
