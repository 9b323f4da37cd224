// The dashboard's analysis payload for E10 and E11 (no server, no browser: buildAnalysis on hand-made
// cells): their sections carry the report's tables and closing sentences, the delay plot colours E10
// by cure and E11 by learning-rate arm, and a store without them lists them as experiments without cells.
import { describe, expect, it } from "vitest";
import { buildAnalysis } from "../../src/dashboard/experiments.js";
import { cell } from "../analysis/fixtures.js";
import { cure, grid } from "../report/beyond-fixtures.js";

describe("dashboard: E10 and E11 views", () => {
  it("shows both experiments with their groups labelled by cure and by lr arm", () => {
    const cells = [...cure("ce", 1), ...cure("stablemax", 1.2), ...cure("orthograd", 0.9), ...grid("grid", 1), ...grid("grid-lr", 0.8)];
    const { payload } = buildAnalysis(cells, "fp", 200);
    expect(payload.errors).toEqual([]);
    const e10 = payload.sections.find((s) => s.id === "e10")!;
    const e11 = payload.sections.find((s) => s.id === "e11")!;
    expect(e10).toMatchObject({ beyond: true, hasCells: true });
    expect(e10.tables.map((t) => t.id)).toEqual(["e10-fits", "e10-cells"]);
    expect(e10.tables[0]!.rows.map((r) => r[0])).toEqual(["plain CE p59", "StableMax p59", "CE with ⊥Grad p59", "paper's CE p59"]);
    expect(e11.tables[0]!.rows.map((r) => r[0])).toEqual(["grid (lr) p59", "grid-lr (lr·ρ) p59", "paper's E3 grid and E2 p59"]);
    expect(e10.findings.some((f) => f.startsWith("p59 StableMax: "))).toBe(true);
    expect(e11.findings.length).toBe(2);
    const groups = new Set((payload.collapse.spec!["data"] as { values: { group: string }[] }).values.map((v) => v.group));
    expect([...groups].sort()).toEqual(["cures CE with ⊥Grad p59", "cures StableMax p59", "cures plain CE p59", "optimiser grid p59", "optimiser lr·ρ p59"]);
  });

  it("lists E10 and E11 without cells when the store has none", () => {
    const { payload } = buildAnalysis([cell({ experiment: "mediation" })], "fp", 200);
    const beyond = payload.sections.filter((s) => s.beyond);
    expect(beyond.map((s) => [s.id, s.hasCells, s.tables.length])).toEqual([["e10", false, 0], ["e11", false, 0]]);
  });
});
