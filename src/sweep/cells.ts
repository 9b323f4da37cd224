// Stored cells as the analysis reads them: one CellRecord per (cell, experiment, arm) found in the
// store's sweeps, with every finished seed of that cell and the seed-mean of the logged series;
// the per-seed rows are available separately (loadSeedRows). Reads only; no statistics here.

import type { RunConfig } from "../base/config.js";
import type { CellRecord, SeedRecord } from "../analysis/records.js";
import { meanSeries } from "../analysis/series.js";
import type { LogRow } from "../base/results.js";
import { fromJson } from "./json.js";
import { SERIES_COLS } from "./record.js";
import { openStore, type DB } from "./store.js";

export { meanSeries };

interface SeriesRow extends Record<string, unknown> {
  job_id: string;
  seed: number;
  step: number;
  norms_json: string;
}

/** A stored series row as a LogRow (SQLite keeps NaN as NULL; it comes back as NaN). */
function toLogRow(r: SeriesRow): LogRow {
  const row: Record<string, unknown> = { step: r.step, norms: fromJson<Record<string, number>>(r.norms_json) };
  for (const c of SERIES_COLS) row[c] = r[c] === null ? Number.NaN : r[c];
  return row as unknown as LogRow;
}

/** The logged rows of one finished run, by step. */
export function readRunSeries(db: DB, jobId: string): LogRow[] {
  return (db.prepare(`SELECT * FROM series WHERE job_id = ? ORDER BY step`).all(jobId) as SeriesRow[]).map(toLogRow);
}

/** The per-seed logged rows of a cell's finished runs: seed → rows by step. */
export async function loadSeedRows(storePath: string, cellId: string): Promise<Map<number, LogRow[]>> {
  const db = openStore(storePath, { readonly: true });
  try {
    return seedRowsOf(db, cellId, false);
  } finally {
    db.close();
  }
}

function seedRowsOf(db: DB, cellId: string, skipDiverged: boolean): Map<number, LogRow[]> {
  const rows = db
    .prepare(
      `SELECT s.*, r.seed FROM series s JOIN runs r ON r.job_id = s.job_id
       WHERE r.cell_id = ? AND r.status = 'done' ${skipDiverged ? "AND r.result != 'diverged'" : ""} ORDER BY r.seed, s.step`,
    )
    .all(cellId) as SeriesRow[];
  const out = new Map<number, LogRow[]>();
  for (const r of rows) {
    if (!out.has(r.seed)) out.set(r.seed, []);
    out.get(r.seed)!.push(toLogRow(r));
  }
  return out;
}

/**
 * A grokked seed's norm as the paper's files hold it (wn_at_grok): ‖W‖ of the state its run ended
 * in, which is the cell's end once the cell is complete (train/cell-end.ts). Runs recorded without a
 * final state fall back to the norm at the grok evaluation.
 */
function normAtEnd(r: { T_grok: number | null; norm_at_grok: number | null; final_json: string | null }): number | null {
  if (r.T_grok === null) return null;
  const w = r.final_json === null ? undefined : fromJson<LogRow>(r.final_json).weight_norm;
  return typeof w === "number" && Number.isFinite(w) ? w : r.norm_at_grok;
}

/** A seed's largest finite logged collapse rate (null without one). */
function collapseMax(rows: LogRow[] | undefined): number | null {
  let best: number | null = null;
  for (const r of rows ?? []) if (Number.isFinite(r.collapse_rate) && (best === null || r.collapse_rate > best)) best = r.collapse_rate;
  return best;
}

/** The arm a cell gets when its sweep spec names none. */
function defaultArm(c: RunConfig): string {
  if (c.fork_at !== null) return c.fork_arm === "free" ? "free" : `clamp_${c.fork_arm}`;
  if (c.gamma !== null) return "alloc";
  return c.wc === null ? "free" : "clamp";
}

/**
 * Every stored cell with at least one finished seed, as CellRecords (experiment and arm from the
 * sweep spec); with `sweep`, only that sweep's cells.
 */
export async function loadCellRecords(storePath: string, opts: { sweep?: string } = {}): Promise<CellRecord[]> {
  const db = openStore(storePath, { readonly: true });
  try {
    const members = db
      .prepare(
        `SELECT sc.cell_id, sc.experiment, sc.arm, MIN(sc.sweep || char(0) || printf('%09d', sc.position)) AS ord, c.config_json
         FROM sweep_cells sc JOIN cells c ON c.id = sc.cell_id
         WHERE EXISTS (SELECT 1 FROM runs r WHERE r.cell_id = sc.cell_id AND r.status = 'done')
           AND (@sweep IS NULL OR sc.sweep = @sweep)
         GROUP BY sc.cell_id, sc.experiment, sc.arm ORDER BY ord`,
      )
      .all({ sweep: opts.sweep ?? null }) as { cell_id: string; experiment: string; arm: string; config_json: string }[];
    const perCell = new Map<string, number>();
    for (const m of members) perCell.set(m.cell_id, (perCell.get(m.cell_id) ?? 0) + 1);
    const seedQ = db.prepare(
      `SELECT seed, T_mem, T_grok, norm_at_grok, final_json, result FROM runs WHERE cell_id = ? AND status = 'done' ORDER BY seed`,
    );
    return members.map((m) => {
      const cfg = JSON.parse(m.config_json) as RunConfig;
      const perSeed = seedRowsOf(db, m.cell_id, true);
      const arm = m.arm === "" ? defaultArm(cfg) : m.arm;
      const seeds: SeedRecord[] = (
        seedQ.all(m.cell_id) as { seed: number; T_mem: number | null; T_grok: number | null; norm_at_grok: number | null; final_json: string | null; result: SeedRecord["status"] }[]
      ).map((r) => ({ seed: r.seed, T_mem: r.T_mem, T_grok: r.T_grok, norm_at_grok: normAtEnd(r), status: r.result, collapse_max: collapseMax(perSeed.get(r.seed)) }));
      return {
        id: perCell.get(m.cell_id)! > 1 ? `${m.cell_id}#${m.experiment}/${arm}` : m.cell_id,
        cell: m.cell_id,
        source: "store" as const,
        experiment: m.experiment,
        model: cfg.model,
        p: cfg.p,
        loss: cfg.loss,
        rho: cfg.wc === null ? 1 : cfg.rho,
        tau: cfg.tau,
        gamma: cfg.gamma,
        arm,
        dtype: cfg.dtype,
        wd: cfg.wd,
        t_fork: cfg.fork_at,
        seeds,
        series: meanSeries(perSeed),
        config: cfg,
        config_reason: null,
      };
    });
  } finally {
    db.close();
  }
}
