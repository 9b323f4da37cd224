// The report's sections for the experiments beyond the paper (docs/study.md §11): E10 (E2's mediation
// under the cures for softmax collapse) and E11 (E3's grid with the learning rate scaled by ρ), each
// with its question, its tables (ours per cure / per arm beside the paper's CE numbers from paper.ts,
// and the cells) and its closing sentences (findings.ts). Shared by the report and the dashboard.

import type { AnalysisReport } from "../analysis/analyze.js";
import type { MediationResult } from "../analysis/mediation.js";
import type { Outcome } from "../analysis/outcome.js";
import type { CellRecord } from "../analysis/records.js";
import { cureOf } from "../base/cure.js";
import { CURE_NAME, curesFindings, optimiserFindings } from "./findings.js";
import { fmt, fmtCI, fmtSteps, fmtX } from "./format.js";
import type { CellGroups } from "./groups.js";
import { PAPER } from "./paper.js";
import type { Entry, Table } from "./table.js";
import { cellTable, type CellCol } from "./tables.js";

export interface BeyondSection {
  id: "e10" | "e11";
  experiment: "cures" | "optimiser"; // CellRecord.experiment of its cells
  title: string;
  question: string;
  hasCells: boolean;
  tables: Table[];
  findings: string[]; // the closing sentences, from the numbers
}

const QUESTION = {
  e10:
    "Beyond the paper (docs/study.md §11): does the logit-scale mediation survive the cures for softmax collapse of Prieto et al. " +
    "(arXiv 2501.04697)? E2's cells (baseline ρ 1 τ 1; norm-up ρ 1.15 over τ) under StableMax cross-entropy and under CE with ⊥Grad, " +
    "beside plain CE (E2's cells at these τ) and the paper's CE numbers. Recovery as E2; “collapse onto L”: E3's first fit, ln T_grok on L, over the cure's counting cells.",
  e11:
    "Beyond the paper (docs/study.md §11): how much of E3's residual ΔR² (1–2% in the paper) is the optimiser? Adam's step has a fixed size " +
    "whatever the norm, so under a clamp at ρ·w_c the same step moves the weights less relative to their size. Arm grid is E3's grid; arm " +
    "grid-lr scales the learning rate by ρ once the clamp holds (ρ 1 cells are shared). R²(L), R²(ρ), ΔR² as E3; recovery as E2 (baseline ρ 1 τ 1, norm-up ρ 1.15 over τ).",
};

const CELL_COLS: CellCol[] = ["p", "arm", "loss", "rho", "tau", "T_grok", "T_mem", "delay", "L", "norm", "seeds", "censored", "diverged", "last", "status"];

const fitTable = (id: string, title: string, columns: string[], rows: Entry[][], notes: string[] = []): Table => ({
  id, title, columns, numeric: columns.map((_, j) => j > 0), rows, notes,
});

/** T0, T1, T1/T0, L0, recovery and its interval of one mediation result ("—" and the reason when none). */
function recoveryCells(m: Outcome<MediationResult>): Entry[] {
  if (!m.ok) return ["—", "—", "—", "—", "—", `not computed: ${m.reason}`];
  const v = m.value;
  const ci = v.ci.ok ? `${fmtCI([v.ci.value.lo, v.ci.value.hi])} (${v.ci.value.valid}/${v.ci.value.resamples} resamples)` : v.ci.reason;
  return [fmtSteps(v.T0), fmtSteps(v.T1), fmtX(v.slowdown), fmt(v.L0, 3), fmt(v.recovery, 3), ci];
}

function paperCe(p: number): { ce: Entry[]; grid: Entry[] } | null {
  const m = PAPER.mediation[p];
  if (!m) return null;
  const ci = m.recovery.ci ? fmtCI(m.recovery.ci, 2) : "—";
  const rec = [fmtSteps(m.T0), fmtSteps(m.T1), fmtX(m.slowdown), "—", fmt(m.recovery.value, 2), ci];
  const c = PAPER.collapse[p];
  return { ce: rec, grid: [c ? fmt(c.r2L, 3) : "—", c ? fmt(c.r2Rho, 2) : "—", "—", c ? fmt(c.dR2, 3) : "—", "—", ...rec.filter((_, j) => j !== 3)] };
}

function curesSection(a: AnalysisReport, g: CellGroups): Table[] {
  const rows: Entry[][] = [];
  const ps = [...new Set([...g.cures.values()].map((c) => c.p))].sort((x, y) => x - y);
  for (const p of ps) {
    for (const cure of ["ce", "stablemax", "orthograd"]) {
      const r = a.tables.cures[`${cure}_p${p}`];
      if (!r) continue;
      const onL = r.onL.ok ? [fmt(r.onL.value.r2L, 3), String(r.onL.value.n)] : [`— (${r.onL.reason})`, "—"];
      rows.push([`${CURE_NAME[cure]} p${p}`, ...recoveryCells(r.recovery), ...onL]);
    }
    const paper = paperCe(p);
    if (paper) rows.push([`paper's CE p${p}`, ...paper.ce, "—", "—"]);
  }
  const cells = [...g.cures.values()].flatMap((m) => [...(m.base ? [m.base] : []), ...m.ups]);
  return [
    fitTable("e10-fits", "E10 per cure: T0, T1, T1/T0, L0, the recovery fraction with its paired-bootstrap 95% interval, and R² of ln T_grok on L over the cure's counting cells",
      ["cure", "T0", "T1", "T1/T0", "L0", "recovery", "95% CI", "R²(L)", "cells in fit"], rows,
      ["Plain CE's cells have E2's configs (run once); every cure's interval resamples the same seeds as E2's. The paper's row is its E2 at that modulus (it ran no cure)."]),
    cellTable("e10-cells", "E10 cells (baseline ρ 1 τ 1; norm-up ρ 1.15 over τ) per cure", cells, CELL_COLS,
      [{ name: "cure", value: (s) => CURE_NAME[cureOf({ loss: s.cell.loss, orthograd: s.cell.config?.orthograd }) ?? ""] ?? "—" }]),
  ];
}

function optimiserSection(a: AnalysisReport, g: CellGroups): Table[] {
  const rows: Entry[][] = [];
  const ps = [...new Set([...g.optimiser.values()].map((c) => c.p))].sort((x, y) => x - y);
  for (const p of ps) {
    for (const arm of ["grid", "grid-lr"]) {
      const r = a.tables.optimiser[`${arm}_p${p}`];
      if (!r) continue;
      const fit: Entry[] = r.grid.ok
        ? [fmt(r.grid.value.r2L, 3), fmt(r.grid.value.r2Rho, 3), fmt(r.grid.value.r2Both, 3), fmt(r.grid.value.dR2, 3), String(r.grid.value.n)]
        : ["—", "—", "—", "—", `not fitted: ${r.grid.reason}`];
      rows.push([`${arm === "grid" ? "grid (lr)" : "grid-lr (lr·ρ)"} p${p}`, ...fit, ...recoveryCells(r.recovery).filter((_, j) => j !== 3)]);
    }
    const paper = paperCe(p);
    if (paper) rows.push([`paper's E3 grid and E2 p${p}`, ...paper.grid]);
  }
  const cells = [...g.optimiser.values()].flatMap((o) => o.cells);
  return [
    fitTable("e11-fits", "E11 per learning-rate arm: OLS of ln T_grok on L, on ρ and on both (counting cells), and the recovery fraction with its paired-bootstrap 95% interval",
      ["arm", "R²(L)", "R²(ρ)", "R²(L, ρ)", "ΔR²", "cells", "T0", "T1", "T1/T0", "recovery", "95% CI"], rows,
      ["Both arms resample the same seeds. The paper's row: its E3 fits and E2 recovery at that modulus (it ran no lr·ρ arm)."]),
    cellTable("e11-cells", "E11 cells (ρ × τ; arm grid-lr scales lr by ρ after t_int; its ρ 1 cells are the grid's)", cells,
      ["p", "arm", "rho", "tau", "T_grok", "T_mem", "delay", "L", "norm", "seeds", "censored", "diverged", "last", "status"],
      [{ name: "lr", value: (s: { cell: CellRecord }) => (s.cell.config?.lr_scale_with_rho ? "lr·ρ after t_int" : s.cell.config ? "lr" : "—") }]),
  ];
}

/** Both sections; hasCells tells whether the data hold any cell of the experiment (the report shows only those). */
export function beyondSections(a: AnalysisReport, g: CellGroups, cells: readonly CellRecord[]): BeyondSection[] {
  const has = (exp: string) => cells.some((c) => c.experiment === exp);
  const e10 = has("cures");
  const e11 = has("optimiser");
  return [
    { id: "e10", experiment: "cures", title: "E10 Mediation under the cures for softmax collapse (beyond the paper)", question: QUESTION.e10, hasCells: e10,
      tables: e10 ? curesSection(a, g) : [], findings: e10 ? curesFindings(a) : [] },
    { id: "e11", experiment: "optimiser", title: "E11 The optimiser's share of the residual (beyond the paper)", question: QUESTION.e11, hasCells: e11,
      tables: e11 ? optimiserSection(a, g) : [], findings: e11 ? optimiserFindings(a) : [] },
  ];
}
