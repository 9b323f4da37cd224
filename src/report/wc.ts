// Which reference norm w_c the clamped cells used, per (experiment family, model, loss, modulus), read
// from each cell's run config; a clamped cell without a config (a released file that does not carry
// one, e.g. the allocation cells) counts with the paper's published value for its group. An adapter
// for the report; not the calibration itself (train/calibrate.ts), and nothing read back from norms.

import type { CellRecord } from "../analysis/records.js";
import { median } from "../analysis/stats.js";
import { paperWcFor, wcKey } from "./paper.js";

/** Where a w_c came from: the cell's run config, or the paper's value for a cell without one. */
export type WcSource = "config" | "paper";

export interface WcRow {
  key: string; // "mlp ce p59", "dose p43", ...
  wc: number; // median over the group's clamped cells
  spread: number; // (max - min) / wc over the cells; 0 when they agree exactly
  how: WcSource[]; // the sources behind the group's values, "config" first
  paper: number | null;
  cellIds: string[];
}

const CLAMPED_ARMS = new Set(["clamp", "base", "up", "alloc"]);

/** w_c per group of clamped cells, sorted by key. */
export function wcTable(cells: readonly CellRecord[]): WcRow[] {
  const groups = new Map<string, { values: number[]; ids: string[]; how: Set<WcSource>; paper: number | null }>();
  for (const c of cells) {
    const v = wcOf(c);
    if (v === null) continue;
    const key = wcKey(c.experiment, c.model, c.loss, c.p);
    const g = groups.get(key) ?? { values: [], ids: [], how: new Set<WcSource>(), paper: paperWcFor(c.experiment, c.model, c.loss, c.p) };
    g.values.push(v.wc);
    g.ids.push(c.id);
    g.how.add(v.how);
    groups.set(key, g);
  }
  return [...groups.entries()]
    .map(([key, g]) => {
      const wc = median(g.values);
      return {
        key,
        wc,
        spread: (Math.max(...g.values) - Math.min(...g.values)) / wc,
        how: (["config", "paper"] as const).filter((h) => g.how.has(h)),
        paper: g.paper,
        cellIds: g.ids,
      };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * One clamped cell's w_c: its config's, or the paper's for its group where it has no config; null for
 * free, forking and audit cells, a config without a clamp, and a config-less cell the paper gives none.
 */
export function wcOf(c: CellRecord): { wc: number; how: WcSource } | null {
  if (!CLAMPED_ARMS.has(c.arm) || c.t_fork !== null) return null;
  if (c.config !== null) return c.config.wc === null ? null : { wc: c.config.wc, how: "config" };
  const paper = paperWcFor(c.experiment, c.model, c.loss, c.p);
  return paper === null ? null : { wc: paper, how: "paper" };
}
