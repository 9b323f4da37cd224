// Which cells feed which experiment's statistics: the one routing of cell records to E1-E9 by
// experiment, arm, model, loss and modulus. analyzeCells computes on these groups and the report
// lists their cell ids, so the two cannot disagree. Groups keep the input order within a modulus
// (moduli ascending); ordering for display is the report's. It selects; it computes nothing.

import type { CellRecord } from "./records.js";

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
}

/** The experiment names routed; any other is listed but not analysed. */
export const ROUTED_EXPERIMENTS = ["dose", "mediation", "collapse", "alloc", "transformer", "samestate", "audit"] as const;

export function routeCells(cells: readonly CellRecord[]): Routing {
  const of = (exp: string) => cells.filter((c) => c.experiment === exp);
  const mlp = (c: CellRecord) => c.model === "mlp";
  const mediation: Routing["mediation"] = new Map();
  for (const loss of ["ce", "mse"] as const) {
    for (const [p, g] of byP(of("mediation").filter((c) => mlp(c) && c.loss === loss))) mediation.set(`${loss}_p${p}`, { loss, p, cells: g });
  }
  const alloc = of("alloc").filter(mlp);
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
