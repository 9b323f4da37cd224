// The E10 and E11 report sections on hand-made cells: present only when the data hold such cells,
// their tables carry the analysis' numbers and the paper's CE numbers from paper.ts, and their closing
// sentences follow the numbers (an interval that overlaps is said to, one that does not is said not to).
import { describe, expect, it } from "vitest";
import { analyzeCells } from "../../src/analysis/analyze.js";
import { beyondSections } from "../../src/report/beyond.js";
import { relation } from "../../src/report/findings.js";
import { fmt, fmtCI } from "../../src/report/format.js";
import { groupCells } from "../../src/report/groups.js";
import { buildReport } from "../../src/report/index.js";
import { PAPER } from "../../src/report/paper.js";
import { tableToMarkdown } from "../../src/report/table.js";
import { seeds } from "../analysis/fixtures.js";
import { cure, grid } from "./beyond-fixtures.js";

const BOOT = { bootstrap: { resamples: 300 } };

describe("E10 and E11 report sections", () => {
  // StableMax's τ = 1.5 cell groks much later: T2 moves up and its recovery falls well below plain CE's
  const cells = [
    ...cure("ce", 1), ...cure("stablemax", 1, 300), ...cure("orthograd", 1).map((c) => (c.arm === "base" ? { ...c, seeds: seeds([100, null, null, null]) } : c)),
    ...grid("grid", 1),
    ...grid("grid-lr", 0.8),
  ];
  const a = analyzeCells(cells, BOOT);
  const secs = beyondSections(a, groupCells(cells), cells);

  it("puts the analysis' numbers and the paper's CE numbers in the tables", () => {
    const e10 = secs.find((s) => s.id === "e10")!;
    const fits = tableToMarkdown(e10.tables.find((t) => t.id === "e10-fits")!);
    const sm = a.tables.cures["stablemax_p59"]!.recovery;
    if (!sm.ok || !sm.value.ci.ok) throw new Error("expected a StableMax recovery with an interval");
    expect(fits).toContain(`| StableMax p59 | ${sm.value.T0} | ${sm.value.T1} |`);
    expect(fits).toContain(`${fmt(sm.value.recovery, 3)} | ${fmtCI([sm.value.ci.value.lo, sm.value.ci.value.hi])}`);
    expect(fits).toContain(`| paper's CE p59 | ${PAPER.mediation[59]!.T0} | ${PAPER.mediation[59]!.T1} |`);
    expect(fits).toMatch(/\| CE with ⊥Grad p59 \| — .*not computed: baseline does not count/);
    const e11 = tableToMarkdown(secs.find((s) => s.id === "e11")!.tables.find((t) => t.id === "e11-fits")!);
    const lr = a.tables.optimiser["grid-lr_p59"]!.grid;
    expect(lr.ok).toBe(true);
    if (lr.ok) expect(e11).toContain(`| grid-lr (lr·ρ) p59 | ${fmt(lr.value.r2L, 3)} | ${fmt(lr.value.r2Rho, 3)} | ${fmt(lr.value.r2Both, 3)} | ${fmt(lr.value.dR2, 3)} |`);
    expect(e11).toContain(`| paper's E3 grid and E2 p59 | ${fmt(PAPER.collapse[59]!.r2L, 3)} |`);
  });

  it("says what the numbers say, whichever way they fall", () => {
    const f = secs.find((s) => s.id === "e10")!.findings.join("\n");
    const ci = (k: string): [number, number] => {
      const r = a.tables.cures[k]!.recovery;
      if (!r.ok || !r.value.ci.ok) throw new Error(`no interval for ${k}`);
      return [r.value.ci.value.lo, r.value.ci.value.hi];
    };
    const rel = relation(ci("stablemax_p59"), ci("ce_p59"));
    expect(rel).toBe("lies below"); // the fixture is built so; the sentence must say it
    expect(f).toContain(`StableMax: the norm increase slows grokking`);
    expect(f).toMatch(new RegExp(`StableMax: .*the interval lies below plain CE's \\${fmtCI(ci("ce_p59")).replace("]", "\\]")} without overlap`));
    expect(f).toMatch(/CE with ⊥Grad: no recovery fraction \(baseline does not count/);
    const g = secs.find((s) => s.id === "e11")!.findings.join("\n");
    const [pg, pl] = [a.tables.optimiser["grid_p59"]!.grid, a.tables.optimiser["grid-lr_p59"]!.grid];
    if (!pg.ok || !pl.ok) throw new Error("expected both grid fits");
    expect(g).toContain(`takes R²(L) from ${fmt(pg.value.r2L, 3)} to ${fmt(pl.value.r2L, 3)} and ΔR² (adding ρ to L) from ${fmt(pg.value.dR2, 3)} to ${fmt(pl.value.dR2, 3)}`);
  });

  it("does not call a recovery what has no slowdown to recover", () => {
    const fast = [...cure("ce", 1), ...cure("stablemax", 0.2)]; // StableMax's norm-up cells grok before its baseline
    const b = analyzeCells(fast, BOOT);
    const sm = b.tables.cures["stablemax_p59"]!.recovery;
    expect(sm.ok && sm.value.slowdown).toBeLessThan(1);
    const f = beyondSections(b, groupCells(fast), fast).find((s) => s.id === "e10")!.findings.join("\n");
    expect(f).toMatch(/StableMax: the norm increase does not slow grokking \(T1\/T0 0\.\d\d×, plain CE here 3\.80×, the paper's CE 3\.43×\); with no slowdown to recover, the recovery formula's .* does not measure a recovery\./);
    expect(f).not.toMatch(/StableMax: .*the interval/);
  });

  it("shows the sections only when the data hold their cells", async () => {
    const without = await buildReport(cure("ce", 1).map((c) => ({ ...c, experiment: "mediation" })), { source: "t", codeVersion: "t", now: new Date(0), analysis: BOOT });
    expect(without.doc.sections.map((s) => s.id)).not.toContain("e10");
    const withE10 = await buildReport(cells, { source: "t", codeVersion: "t", now: new Date(0), analysis: BOOT });
    expect(withE10.doc.sections.map((s) => s.id)).toEqual(expect.arrayContaining(["e10", "e11"]));
    expect(withE10.markdown).toContain("E10 Mediation under the cures for softmax collapse");
    expect(withE10.markdown).toContain("What these numbers say:");
  });
});
