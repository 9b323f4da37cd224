// Tables: the report's tables carry the numbers analyzeCells computed from the records, beside the
// paper's, with per-cell seed counts, censoring and the cell ids behind each number; the verdicts
// follow their tolerances; Markdown and HTML renderings escape what they must.

import { beforeAll, describe, expect, it } from "vitest";
import { analyzeCells } from "../../src/analysis/analyze.js";
import { verdict, type Comparison } from "../../src/report/compare.js";
import { buildComparisons } from "../../src/report/comparisons.js";
import { fmt, fmtCI, fmtSteps, fmtX } from "../../src/report/format.js";
import { groupCells } from "../../src/report/groups.js";
import { buildReport, type BuiltReport } from "../../src/report/index.js";
import type { Table } from "../../src/report/table.js";
import { tableToHtml, tableToMarkdown } from "../../src/report/table.js";
import { wcOf, wcTable } from "../../src/report/wc.js";
import { paperWcFor } from "../../src/report/paper.js";
import { mk, series, syntheticStudy } from "./fixtures.js";

const BOOT = { bootstrap: { resamples: 300 } };

describe("tables on a synthetic study", () => {
  const cells = syntheticStudy();
  let built: BuiltReport;
  let tables: Table[];
  beforeAll(async () => {
    built = await buildReport(cells, { source: "synthetic", codeVersion: "test", now: new Date(0), analysis: BOOT });
    tables = built.doc.sections.flatMap((s) => s.blocks.flatMap((b) => (b.kind === "table" ? [b.table] : [])));
  });
  const table = (id: string) => tables.find((t) => t.id === id)!;
  const text = (t: Table) => tableToMarkdown(t);
  const a = analyzeCells(cells, BOOT);

  it("puts the analysis' mediation numbers in the E2 tables with the cell ids", () => {
    const m = a.tables.mediation["ce_p7"]!;
    expect(m.ok).toBe(true);
    if (!m.ok || !m.value.ci.ok) throw new Error("synthetic mediation should compute");
    const e2 = text(table("e2-compare"));
    expect(e2).toContain(`${fmt(m.value.recovery, 3)} ${fmtCI([m.value.ci.value.lo, m.value.ci.value.hi])}`);
    expect(e2).toContain(fmtSteps(m.value.T0));
    expect(e2).toContain(fmtX(m.value.slowdown));
    for (const c of cells.filter((c) => c.experiment === "mediation" && c.loss === "ce" && c.arm !== "ctrl")) expect(e2).toContain(`\`${c.id}\``);
    expect(text(table("e2-fits"))).toContain(fmt(m.value.T2, 1));
  });

  it("puts the analysis' fits in the E1, E3, E8 and E9 tables", () => {
    const d = a.tables.dose["p7"]!;
    const c = a.tables.collapse["p7"]!;
    const s = a.tables.samestate["p7"]!;
    if (!d.ok || !c.ok || !s.ok) throw new Error("synthetic fits should compute");
    expect(text(table("e1-fits"))).toContain(fmt(d.value.alpha, 4));
    expect(text(table("e3-fits"))).toContain(fmt(c.value.r2L, 3));
    expect(text(table("e3-fits"))).toContain(fmt(c.value.dR2, 3));
    expect(text(table("e9-cells"))).toContain(fmt(s.value.ratio, 3));
    const al = a.tables.alloc["p7"]!;
    if (!al.ok) throw new Error("alloc");
    expect(text(table("e8-compare"))).toContain(fmtX(al.value.swing));
  });

  it("shows seed counts, censoring and why a cell does not count", () => {
    const e1 = table("e1-cells");
    const row = e1.rows.find((r) => r.some((e) => typeof e !== "string" && e.ids.includes("syn/dose_clamp_ce_rho1.1_tau1")))!;
    const col = (name: string) => row[e1.columns.indexOf(name)];
    expect(col("grokked / seeds")).toBe("0/3");
    expect(col("censored")).toBe("3");
    expect(col("T_grok (median)")).toBe("—");
    expect(String(col("counts?"))).toBe("no: no seed grokked (all 3 censored or diverged)");
    expect(col("in the fit")).toBe("no: no seed grokked (all 3 censored or diverged)"); // the dose row's reason, no cell label
    const e9 = text(table("e9-compare"));
    expect(e9).toContain("5/6 grokked in 2 cells, 1 censored"); // raised + same for the ratio
    const index = table("cell-index");
    expect(index.rows).toHaveLength(cells.length);
    expect(text(index)).toContain("syn/samestate_clamp_raised_ce_rho1_tau1");
  });

  it("lists the paper's numbers beside ours and says where we differ", () => {
    const summary = text(table("summary-table"));
    expect(summary).toContain("0.83 [0.82, 0.85]"); // E2 p59 as printed
    expect(summary).toContain("3.36× [3.27, 3.43]"); // E9 p59
    expect(summary).toContain("no grok within 60k"); // E6 f64 ρ 1.25
    const differ = built.doc.sections.find((s) => s.id === "differ")!;
    const prose = JSON.stringify(differ.blocks);
    expect(prose).toMatch(/our cells ran 3 seeds where the paper's ran 12/);
    expect(prose).toMatch(/never grokked/);
    expect(prose).toContain("syn/dose_clamp_ce_rho1.1_tau1");
  });

  it("reads w_c from the cells' run configs", () => {
    const rows = wcTable(cells);
    const ce = rows.find((r) => r.key === "mlp ce p7")!;
    expect(ce.how).toEqual(["config"]);
    expect(ce.wc).toBeCloseTo(45, 9);
    expect(rows.find((r) => r.key === "dose p7")!.wc).toBeCloseTo(40, 9);
  });

  it("takes w_c from the config, not from the norms, and the paper's value for a cell without a config", () => {
    const base = mk({ experiment: "mediation", arm: "base", p: 59, series: series(10, 60), wc: 52 }); // ‖W‖ 60 at rho 1, config 52
    const up = mk({ experiment: "mediation", arm: "up", p: 59, rho: 1.15, series: series(10, 60), wc: 52, id: "m/up" });
    const bare = { ...mk({ experiment: "alloc", arm: "alloc", p: 59, gamma: 0.3, series: series(10, 60) }), config: null, config_reason: "no config" };
    expect(wcOf(base)).toEqual({ wc: 52, how: "config" });
    expect(wcOf(bare)).toEqual({ wc: 54.49, how: "paper" });
    const [row] = wcTable([base, up, bare]);
    expect(row).toMatchObject({ key: "mlp ce p59", wc: 52, how: ["config", "paper"], paper: 54.49 });
    expect(row!.spread).toBeCloseTo((54.49 - 52) / 52, 12);
    expect(wcOf(mk({ experiment: "mediation", arm: "ctrl", p: 59 }))).toBeNull(); // free control
  });

  it("finds the paper's published w_c of each group (experiments/paper-wc.ts), and none where it published none", () => {
    expect(paperWcFor("mediation", "mlp", "ce", 59)).toBe(54.49);
    expect(paperWcFor("mse", "mlp", "mse", 97)).toBe(36.61);
    expect(paperWcFor("transformer", "transformer", "ce", 59)).toBe(32.49);
    expect(paperWcFor("dose", "mlp", "ce", 43)).toBe(50.51);
    expect(paperWcFor("mediation", "mlp", "ce", 7)).toBeNull();
    expect(paperWcFor("transformer", "transformer", "mse", 59)).toBeNull();
  });

  it("gives every comparison the cells it comes from", () => {
    const comps = buildComparisons(a, groupCells(cells));
    const ids = new Set(cells.map((c) => c.id));
    for (const c of comps) for (const id of c.cellIds) expect(ids.has(id), `${c.id}: ${id}`).toBe(true);
    expect(comps.find((c) => c.id === "E2.recovery.p7")!.cellIds).toHaveLength(4);
  });
});

describe("verdicts", () => {
  const base: Comparison = { id: "x", exp: "E2", quantity: "q", kind: "recovery", ours: 0.83, oursCI: null, paper: 0.833, paperCI: null, paperShown: "0.83", cellIds: ["a"], missing: null, paperSeeds: 12, p: 59 };
  it("follows the tolerance of each kind", () => {
    expect(verdict(base)).toBe("agrees");
    expect(verdict({ ...base, ours: 0.7 })).toBe("differs");
    expect(verdict({ ...base, ours: 0.7, oursCI: [0.6, 0.84], paperCI: [0.818, 0.852] })).toBe("within CI");
    expect(verdict({ ...base, ours: null })).toBe("no data");
    expect(verdict({ ...base, paper: null })).toBe("not in paper");
    expect(verdict({ ...base, kind: "steps", ours: 1090, paper: 1000 })).toBe("agrees");
    expect(verdict({ ...base, kind: "steps", ours: 1110, paper: 1000 })).toBe("differs");
    expect(verdict({ ...base, kind: "r2", ours: 0.955, paper: [0.96, 0.99] })).toBe("agrees");
    expect(verdict({ ...base, kind: "r2", ours: 0.9, paper: [0.96, 0.99] })).toBe("differs");
    expect(verdict({ ...base, kind: "steps", ours: [175, 200], paper: [175, 200] })).toBe("agrees");
    expect(verdict({ ...base, kind: "steps", ours: null, paper: null, noGrok: true })).toBe("agrees");
    expect(verdict({ ...base, kind: "steps", ours: 40000, paper: null, noGrok: true })).toBe("differs");
  });
});

describe("table rendering", () => {
  const t: Table = { id: "t", title: "A | B <c>", columns: ["x", "y"], numeric: [false, true], rows: [["a|b", "<1>"], ["c", { ids: ["dir/x_1.npz"] }]], notes: ["note & more"] };
  it("escapes Markdown pipes and keeps ids as code", () => {
    const md = tableToMarkdown(t);
    expect(md).toContain("| a\\|b | <1> |");
    expect(md).toContain("`dir/x_1.npz`");
    expect(md).toContain("| --- | ---: |");
  });
  it("escapes HTML and links ids into the cell index", () => {
    const html = tableToHtml(t);
    expect(html).toContain("A | B &lt;c&gt;");
    expect(html).toContain('<td class="num">&lt;1&gt;</td>');
    expect(html).toContain('<a href="#cell-dir_x_1.npz"><code>dir/x_1.npz</code></a>');
    expect(html).toContain("note &amp; more");
  });
});

describe("store-style forking arm names", () => {
  it("routes lowered / same / raised like clamp_lowered / clamp_same / clamp_raised", () => {
    const cells = syntheticStudy().map((c) => (c.experiment === "samestate" && c.arm.startsWith("clamp_") ? { ...c, arm: c.arm.slice(6) } : c));
    const comps = buildComparisons(analyzeCells(cells, { bootstrap: { resamples: 50 } }), groupCells(cells));
    const ratio = comps.find((c) => c.id === "E9.ratio.p7")!;
    expect(ratio.ours).not.toBeNull();
    expect(ratio.cellIds).toHaveLength(2);
    expect(comps.find((c) => c.id === "E9.delay.clamp_lowered.p7")!.cellIds).toHaveLength(1);
  });
});

describe("where we differ and why", () => {
  it("names the recorded factors behind a number outside its tolerance", async () => {
    const cells = syntheticStudy()
      .filter((c) => c.experiment === "mediation" && c.loss === "ce")
      .map((c) => ({ ...c, p: 59, id: c.id.replace("syn/", "syn59/"), config: { ...c.config!, p: 59, wc: 50 } }));
    cells[1] = { ...cells[1]!, seeds: cells[1]!.seeds.map((s, i) => (i === 0 ? { ...s, T_grok: null, status: "censored" as const } : s)) };
    const built = await buildReport(cells, { source: "t", codeVersion: "t", now: new Date(0), analysis: { bootstrap: { resamples: 100 } } });
    const differ = JSON.stringify(built.doc.sections.find((s) => s.id === "differ")!.blocks);
    expect(differ).toMatch(/E2 T0 baseline \(p59\): ours 1100, paper 3675 \(−70\.1%\)\. Its cells ran 3 seeds each where the paper ran 12\./);
    expect(differ).toMatch(/1 of its 3 seeds did not grok within their budget/); // the τ 1 norm-up cell behind T1
    expect(differ).toContain("w_c for mlp ce p59: ours 50.00, paper 54.49 (−8.2%)");
    expect(differ).toMatch(/at most 10 distinct resamples \(the paper's 12 seeds: 1352078\)/);
  });

  it("counts distinct bootstrap resamples as C(2S − 1, S)", async () => {
    const { distinctResamples } = await import("../../src/report/differ.js");
    expect([1, 2, 3, 12].map(distinctResamples)).toEqual([1, 3, 10, 1352078]);
  });
});
