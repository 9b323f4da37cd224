// Which cells feed which number: the report's copy of analyzeCells' routing (experiment, arm, model,
// loss, modulus), so every table row and figure can list the cell ids behind it. It mirrors
// src/analysis/analyze.ts (whose results do not carry ids everywhere); it selects, it computes nothing.

import type { CellRecord } from "../analysis/records.js";
import { FORK_ORDER, forkArmName } from "../analysis/samestate.js";

export interface MediationGroup {
  loss: "ce" | "mse";
  p: number;
  base: CellRecord | null; // null when missing or ambiguous (analysis then fails with its reason)
  ups: CellRecord[]; // by tau
  ctrl: CellRecord[]; // free controls (w_c calibration), listed only
  all: CellRecord[];
}

export interface CellGroups {
  doseClamp: Map<number, CellRecord[]>; // by p, by rho
  doseFree: Map<number, CellRecord[]>; // by p, by wd
  mediation: Map<string, MediationGroup>; // by "ce_p59"
  collapse: Map<number, CellRecord[]>;
  transformer: Map<number, MediationGroup>;
  alloc: Map<number, CellRecord[]>; // gamma cells by gamma
  allocCtrl: Map<number, CellRecord[]>;
  samestate: Map<number, CellRecord[]>;
  audit: CellRecord[];
}

const byRho = (a: CellRecord, b: CellRecord) => a.rho - b.rho || a.tau - b.tau;

export function groupCells(cells: readonly CellRecord[]): CellGroups {
  const of = (exp: string) => cells.filter((c) => c.experiment === exp);
  const mlp = (c: CellRecord) => c.model === "mlp";
  const mediation = new Map<string, MediationGroup>();
  for (const loss of ["ce", "mse"] as const) {
    for (const [p, g] of byP(of("mediation").filter((c) => mlp(c) && c.loss === loss))) {
      mediation.set(`${loss}_p${p}`, mediationGroup(loss, p, g));
    }
  }
  const transformer = new Map<number, MediationGroup>();
  for (const [p, g] of byP(of("transformer").filter((c) => c.model === "transformer" && c.loss === "ce"))) {
    transformer.set(p, mediationGroup("ce", p, g));
  }
  const allocAll = of("alloc").filter(mlp);
  return {
    doseClamp: sortEach(byP(of("dose").filter((c) => mlp(c) && c.loss === "ce" && c.arm === "clamp")), byRho),
    doseFree: sortEach(byP(of("dose").filter((c) => c.arm === "free")), (a, b) => a.wd - b.wd),
    mediation,
    collapse: sortEach(byP(of("collapse").filter((c) => mlp(c) && c.loss === "ce")), byRho),
    transformer,
    alloc: sortEach(byP(allocAll.filter((c) => c.gamma !== null)), (a, b) => a.gamma! - b.gamma!),
    allocCtrl: byP(allocAll.filter((c) => c.gamma === null)),
    samestate: sortEach(byP(of("samestate").filter(mlp)), (a, b) => forkRank(a.arm) - forkRank(b.arm) || (a.arm < b.arm ? -1 : 1)),
    audit: of("audit"),
  };
}

/** A forking arm's place in lowered < free < same < raised (unknown arms last). */
export function forkRank(arm: string): number {
  const i = (FORK_ORDER as readonly string[]).indexOf(forkArmName(arm));
  return i < 0 ? FORK_ORDER.length : i;
}

function mediationGroup(loss: "ce" | "mse", p: number, g: CellRecord[]): MediationGroup {
  const bases = g.filter((c) => c.arm === "base");
  return {
    loss,
    p,
    base: bases.length === 1 ? bases[0]! : null,
    ups: g.filter((c) => c.arm === "up").sort((a, b) => a.tau - b.tau),
    ctrl: g.filter((c) => c.arm === "ctrl"),
    all: g,
  };
}

/** Cells grouped by modulus, moduli ascending. */
export function byP(cells: readonly CellRecord[]): Map<number, CellRecord[]> {
  const m = new Map<number, CellRecord[]>();
  for (const c of [...cells].sort((a, b) => a.p - b.p)) {
    if (!m.has(c.p)) m.set(c.p, []);
    m.get(c.p)!.push(c);
  }
  return m;
}

function sortEach(m: Map<number, CellRecord[]>, cmp: (a: CellRecord, b: CellRecord) => number): Map<number, CellRecord[]> {
  for (const v of m.values()) v.sort(cmp);
  return m;
}

/** The ids of a list of cells, in order, without repeats. */
export function idsOf(cells: readonly (CellRecord | null | undefined)[]): string[] {
  return [...new Set(cells.filter((c): c is CellRecord => !!c).map((c) => c.id))];
}

/** The cell at a given tau (within 1e-9) in a list, if any. */
export function atTau(cells: readonly CellRecord[], tau: number): CellRecord | undefined {
  return cells.find((c) => Math.abs(c.tau - tau) < 1e-9);
}
