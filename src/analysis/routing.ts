// Which cells feed which experiment's statistics: the one routing of cell records to E1-E11 by
// experiment, arm, model, loss (beyond the paper also the cure or the learning-rate arm) and modulus.
// analyzeCells computes on these groups and the report lists their cell ids, so the two cannot
// disagree. Groups keep the input order within a modulus (moduli ascending); ordering for display
// is the report's. It selects; it computes nothing.

import { cureOf, type Cure } from "../base/cure.js";
import type { CellRecord } from "./records.js";

/** E11's arms: the plain ρ-τ grid and the grid with the learning rate scaled by ρ under the clamp. */
export const OPTIMISER_ARMS = ["grid", "grid-lr"] as const;
export type OptimiserArm = (typeof OPTIMISER_ARMS)[number];

export interface Routing {
  /** E1: MLP CE clamp cells, by p */
  doseClamp: Map<number, CellRecord[]>;
  /** E1's free runs at several λ (listed, not fitted), in input order */
  doseFree: CellRecord[];
  /** E2, E4, E5: MLP cells by loss and p, keyed "ce_p59" */
  mediation: Map<string, { loss: "ce" | "mse"; p: number; cells: CellRecord[] }>;
  /** E3: MLP CE cells, by p */
  collapse: Map<number, CellRecord[]>;
  /** E6: every audit cell */
  audit: CellRecord[];
  /** E7: transformer CE cells, by p */
  transformer: Map<number, CellRecord[]>;
  /** E8: MLP allocation-clamp cells (gamma set), by p */
  alloc: Map<number, CellRecord[]>;
  /** E8's MLP cells without gamma (controls, listed only), by p */
  allocCtrl: Map<number, CellRecord[]>;
  /** E9: MLP forking arms, by p */
  samestate: Map<number, CellRecord[]>;
  /** E10: MLP cells by cure and p, keyed "stablemax_p59", mediation-shaped (arms base and up) */
  cures: Map<string, { cure: Cure; p: number; cells: CellRecord[] }>;
  /** E11: MLP CE grid cells by learning-rate arm and p, keyed "grid-lr_p59" */
  optimiser: Map<string, { arm: OptimiserArm; p: number; cells: CellRecord[] }>;
  /** cells of a routed experiment that no group takes, with why (listed in the analysis notes) */
  unrouted: Array<{ cell: CellRecord; why: string }>;
}

/** The paper's experiments (E1-E9) by name. */
export const PAPER_EXPERIMENTS = ["dose", "mediation", "collapse", "alloc", "transformer", "samestate", "audit"] as const;
/** The experiments beyond the paper (docs/study.md §11): E10 "cures", E11 "optimiser". */
export const BEYOND_EXPERIMENTS = ["cures", "optimiser"] as const;
/** The experiment names routed; any other is listed but not analysed. */
export const ROUTED_EXPERIMENTS = [...PAPER_EXPERIMENTS, ...BEYOND_EXPERIMENTS] as const;

/** A cell run with a change beyond the paper (⊥Grad, lr scaled by ρ): never one of E1-E9's cells. */
function beyondPaper(c: CellRecord): string | null {
  if (c.config?.orthograd) return "it runs ⊥Grad (orthograd), which the paper's experiments do not";
  if (c.config?.lr_scale_with_rho) return "it scales the learning rate by rho (lr_scale_with_rho), which the paper's experiments do not";
  if (c.loss === "stablemax") return "it runs the StableMax loss, which the paper's experiments do not";
  return null;
}

export function routeCells(cells: readonly CellRecord[]): Routing {
  const unrouted: Routing["unrouted"] = [];
  const paperExps = new Set<string>(PAPER_EXPERIMENTS);
  // E1-E9 take only cells run as the paper runs them; the others are listed, not analysed
  const plain = cells.filter((c) => {
    const why = paperExps.has(c.experiment) ? beyondPaper(c) : null;
    if (why !== null) unrouted.push({ cell: c, why });
    return why === null;
  });
  const of = (exp: string) => plain.filter((c) => c.experiment === exp);
  const mlp = (c: CellRecord) => c.model === "mlp";
  const mediation: Routing["mediation"] = new Map();
  for (const loss of ["ce", "mse"] as const) {
    for (const [p, g] of byP(of("mediation").filter((c) => mlp(c) && c.loss === loss))) mediation.set(`${loss}_p${p}`, { loss, p, cells: g });
  }
  const alloc = of("alloc").filter(mlp);
  const cures: Routing["cures"] = new Map();
  const byCure = new Map<Cure, CellRecord[]>();
  for (const c of of("cures")) {
    const cure = cureOf({ loss: c.loss, orthograd: c.config?.orthograd });
    if (!mlp(c) || cure === null) unrouted.push({ cell: c, why: !mlp(c) ? `E10 runs the MLP, not the ${c.model}` : "StableMax with ⊥Grad is not one of E10's cures" });
    else byCure.set(cure, [...(byCure.get(cure) ?? []), c]);
  }
  for (const [cure, g] of byCure) for (const [p, pc] of byP(g)) cures.set(`${cure}_p${p}`, { cure, p, cells: pc });
  const optimiser: Routing["optimiser"] = new Map();
  for (const arm of OPTIMISER_ARMS) {
    const g = of("optimiser").filter((c) => c.arm === arm && mlp(c) && c.loss === "ce" && !c.config?.orthograd);
    for (const [p, pc] of byP(g)) optimiser.set(`${arm}_p${p}`, { arm, p, cells: pc });
  }
  for (const c of of("optimiser")) {
    const arm = c.arm as OptimiserArm;
    if (!OPTIMISER_ARMS.includes(arm)) unrouted.push({ cell: c, why: `E11's arms are ${OPTIMISER_ARMS.join(" and ")}, not '${c.arm}'` });
    else if (!mlp(c) || c.loss !== "ce" || c.config?.orthograd) unrouted.push({ cell: c, why: "E11 runs the MLP under plain CE" });
  }
  return {
    doseClamp: byP(of("dose").filter((c) => mlp(c) && c.loss === "ce" && c.arm === "clamp")),
    doseFree: of("dose").filter((c) => c.arm === "free"),
    mediation,
    collapse: byP(of("collapse").filter((c) => mlp(c) && c.loss === "ce")),
    audit: of("audit"),
    transformer: byP(of("transformer").filter((c) => c.model === "transformer" && c.loss === "ce")),
    alloc: byP(alloc.filter((c) => c.gamma !== null)),
    allocCtrl: byP(alloc.filter((c) => c.gamma === null)),
    samestate: byP(of("samestate").filter(mlp)),
    cures,
    optimiser,
    unrouted,
  };
}

/** Cells grouped by modulus, moduli ascending, input order within each. */
export function byP(cells: readonly CellRecord[]): Map<number, CellRecord[]> {
  const m = new Map<number, CellRecord[]>();
  for (const c of [...cells].sort((a, b) => a.p - b.p)) {
    if (!m.has(c.p)) m.set(c.p, []);
    m.get(c.p)!.push(c);
  }
  return m;
}

/** The baseline (arm "base") and norm-up cells (arm "up") of a mediation-shaped group, and why it
 *  cannot be analysed when it has no single baseline. */
export function baseAndUps(g: readonly CellRecord[]): { base: CellRecord | null; ups: CellRecord[]; problem: string | null } {
  const bases = g.filter((c) => c.arm === "base");
  const ups = g.filter((c) => c.arm === "up");
  const problem =
    bases.length === 0 ? "no baseline cell (arm 'base')" : bases.length > 1 ? `${bases.length} baseline cells (arm 'base'); expected one` : null;
  return { base: bases.length === 1 ? bases[0]! : null, ups, problem };
}
