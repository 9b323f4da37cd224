// Which reference norm w_c the clamped cells used, per (experiment family, model, loss, modulus): a
// cell record carries no w_c field, so it is read back from the data — a clamped cell's ‖W‖ at its
// last logged step divided by its ρ (the clamp holds ‖W‖ = ρ·w_c exactly after t_int). A record
// that does carry a numeric `wc` wins. An adapter for the report; not the calibration itself.

import type { CellRecord } from "../analysis/records.js";
import { median } from "../analysis/stats.js";
import { paperWcFor, wcKey } from "./paper.js";

export interface WcRow {
  key: string; // "mlp ce p59", "dose p43", ...
  wc: number; // median over the group's clamped cells
  spread: number; // (max - min) / wc over the cells; 0 when they agree exactly
  how: "recorded" | "inferred";
  paper: number | null;
  cellIds: string[];
}

const CLAMPED_ARMS = new Set(["clamp", "base", "up", "alloc"]);

/** w_c per group of clamped cells, sorted by key. */
export function wcTable(cells: readonly CellRecord[]): WcRow[] {
  const groups = new Map<string, { values: number[]; ids: string[]; recorded: boolean; paper: number | null }>();
  for (const c of cells) {
    const v = wcOf(c);
    if (v === null) continue;
    const key = wcKey(c.experiment, c.model, c.loss, c.p);
    const g = groups.get(key) ?? { values: [], ids: [], recorded: false, paper: paperWcFor(c.experiment, c.model, c.loss, c.p) };
    g.values.push(v.wc);
    g.ids.push(c.id);
    g.recorded ||= v.how === "recorded";
    groups.set(key, g);
  }
  return [...groups.entries()]
    .map(([key, g]) => {
      const wc = median(g.values);
      return {
        key,
        wc,
        spread: (Math.max(...g.values) - Math.min(...g.values)) / wc,
        how: g.recorded ? ("recorded" as const) : ("inferred" as const),
        paper: g.paper,
        cellIds: g.ids,
      };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** One clamped cell's w_c, or null for free, forking and audit cells (or a cell with no finite norm). */
export function wcOf(c: CellRecord): { wc: number; how: "recorded" | "inferred" } | null {
  const rec = (c as unknown as { wc?: unknown }).wc;
  if (typeof rec === "number" && Number.isFinite(rec) && rec > 0) return { wc: rec, how: "recorded" };
  if (!CLAMPED_ARMS.has(c.arm) || c.t_fork !== null || !(c.rho > 0)) return null;
  const w = c.series.weight_norm;
  for (let i = w.length - 1; i >= 0; i--) {
    if (Number.isFinite(w[i]!) && w[i]! > 0) return { wc: w[i]! / c.rho, how: "inferred" };
  }
  return null;
}
