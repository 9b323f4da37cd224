// Which cells feed which number, for the report: the analysis' own routing (src/analysis/routing.ts)
// with each group put in display order (by ρ, τ, γ, λ or forking arm), so every table row and figure
// can list the cell ids behind it. It selects and orders; it computes nothing.

import type { CellRecord } from "../analysis/records.js";
import { baseAndUps, byP, routeCells, type OptimiserArm } from "../analysis/routing.js";
import type { Cure } from "../base/cure.js";
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
  cures: Map<string, MediationGroup & { cure: Cure }>; // E10, by "stablemax_p59"
  optimiser: Map<string, { arm: OptimiserArm; p: number; cells: CellRecord[] }>; // E11, by "grid-lr_p59", cells by ρ, τ
}

const byRho = (a: CellRecord, b: CellRecord) => a.rho - b.rho || a.tau - b.tau;

export function groupCells(cells: readonly CellRecord[]): CellGroups {
  const r = routeCells(cells);
  const mediation = new Map<string, MediationGroup>();
  for (const [key, { loss, p, cells: g }] of r.mediation) mediation.set(key, mediationGroup(loss, p, g));
  const transformer = new Map<number, MediationGroup>();
  for (const [p, g] of r.transformer) transformer.set(p, mediationGroup("ce", p, g));
  return {
    doseClamp: sortEach(r.doseClamp, byRho),
    doseFree: sortEach(byP(r.doseFree), (a, b) => a.wd - b.wd),
    mediation,
    collapse: sortEach(r.collapse, byRho),
    transformer,
    alloc: sortEach(r.alloc, (a, b) => a.gamma! - b.gamma!),
    allocCtrl: r.allocCtrl,
    samestate: sortEach(r.samestate, (a, b) => forkRank(a.arm) - forkRank(b.arm) || (a.arm < b.arm ? -1 : 1)),
    audit: r.audit,
    cures: new Map([...r.cures].map(([k, { cure, p, cells: g }]) => [k, { ...mediationGroup("ce", p, g), cure }])),
    optimiser: new Map([...r.optimiser].map(([k, v]) => [k, { ...v, cells: [...v.cells].sort(byRho) }])),
  };
}

/** A forking arm's place in lowered < free < same < raised (unknown arms last). */
export function forkRank(arm: string): number {
  const i = (FORK_ORDER as readonly string[]).indexOf(forkArmName(arm));
  return i < 0 ? FORK_ORDER.length : i;
}

function mediationGroup(loss: "ce" | "mse", p: number, g: CellRecord[]): MediationGroup {
  const { base, ups } = baseAndUps(g);
  return {
    loss,
    p,
    base,
    ups: ups.sort((a, b) => a.tau - b.tau),
    ctrl: g.filter((c) => c.arm === "ctrl"),
    all: g,
  };
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
