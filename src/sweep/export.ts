// Exporting a store as flat tables: cells (one row per sweep membership, config fields as columns,
// seed counts), seeds (one row per sweep job: events, outcome, code version) and series (one row
// per logged step of a finished run, per-matrix norms as norm_<name>), as CSV or JSON Lines.
// Returns lines; the command writes them. No statistics here (analysis/ does those).

import { RunConfigSchema } from "../base/config.js";
import { fromJson, toJson } from "./json.js";
import { SERIES_COLS } from "./record.js";
import type { DB } from "./store.js";

export type ExportTable = "cells" | "seeds" | "series";
export type ExportFormat = "csv" | "jsonl";
export const EXPORT_TABLES: readonly ExportTable[] = ["cells", "seeds", "series"];

const CONFIG_COLS = Object.keys(RunConfigSchema.shape);
type Row = Record<string, unknown>;

function cellRows(db: DB, sweep: string | null): { columns: string[]; rows: Iterable<Row> } {
  const q = db.prepare(
    `SELECT sc.sweep, sc.cell_id, sc.experiment, sc.arm, sc.label, c.config_json,
       (SELECT COUNT(*) FROM sweep_jobs sj JOIN runs r ON r.job_id = sj.job_id WHERE sj.sweep = sc.sweep AND r.cell_id = sc.cell_id) AS n_seeds,
       (SELECT COUNT(*) FROM sweep_jobs sj JOIN runs r ON r.job_id = sj.job_id WHERE sj.sweep = sc.sweep AND r.cell_id = sc.cell_id AND r.status = 'done') AS n_done,
       (SELECT COUNT(*) FROM sweep_jobs sj JOIN runs r ON r.job_id = sj.job_id WHERE sj.sweep = sc.sweep AND r.cell_id = sc.cell_id AND r.result = 'grokked') AS n_grokked,
       (SELECT COUNT(*) FROM sweep_jobs sj JOIN runs r ON r.job_id = sj.job_id WHERE sj.sweep = sc.sweep AND r.cell_id = sc.cell_id AND r.result = 'censored') AS n_censored,
       (SELECT COUNT(*) FROM sweep_jobs sj JOIN runs r ON r.job_id = sj.job_id WHERE sj.sweep = sc.sweep AND r.cell_id = sc.cell_id AND r.result = 'diverged') AS n_diverged
     FROM sweep_cells sc JOIN cells c ON c.id = sc.cell_id
     WHERE (@sweep IS NULL OR sc.sweep = @sweep) ORDER BY sc.sweep, sc.position`,
  );
  const columns = ["sweep", "cell_id", "experiment", "arm", "label", ...CONFIG_COLS, "n_seeds", "n_done", "n_grokked", "n_censored", "n_diverged"];
  function* rows(): Iterable<Row> {
    for (const r of q.iterate({ sweep }) as Iterable<Row & { config_json: string }>) {
      const { config_json, ...rest } = r;
      yield { ...rest, ...(JSON.parse(config_json) as Row) };
    }
  }
  return { columns, rows: rows() };
}

function seedRows(db: DB, sweep: string | null): { columns: string[]; rows: Iterable<Row> } {
  const q = db.prepare(
    `SELECT sj.sweep, r.job_id, r.cell_id, sc.experiment, sc.arm, sc.label, r.seed, r.status, r.result,
       r.T_mem, r.T_grok, r.delay, r.norm_at_grok, r.norm_at_fork, r.steps_run, r.wall_s, r.code_version, r.finished_at,
       r.final_json, c.config_json
     FROM sweep_jobs sj JOIN runs r ON r.job_id = sj.job_id JOIN cells c ON c.id = r.cell_id
     LEFT JOIN (SELECT sweep, cell_id, MIN(experiment) AS experiment, MIN(arm) AS arm, MIN(label) AS label
                FROM sweep_cells GROUP BY sweep, cell_id) sc ON sc.sweep = sj.sweep AND sc.cell_id = r.cell_id
     WHERE (@sweep IS NULL OR sj.sweep = @sweep) ORDER BY sj.sweep, sj.position`,
  );
  const finals = SERIES_COLS.map((c) => `final_${c}`);
  const columns = [
    "sweep", "job_id", "cell_id", "experiment", "arm", "label", "seed", "status", "result", "T_mem", "T_grok", "delay",
    "norm_at_grok", "norm_at_fork", "steps_run", "wall_s", "code_version", "finished_at", ...finals, ...CONFIG_COLS,
  ];
  function* rows(): Iterable<Row> {
    for (const r of q.iterate({ sweep }) as Iterable<Row & { config_json: string; final_json: string | null }>) {
      const { config_json, final_json, ...rest } = r;
      const fin = final_json === null ? {} : fromJson<Row>(final_json);
      const f: Row = {};
      for (const c of SERIES_COLS) f[`final_${c}`] = fin[c] ?? null;
      yield { ...rest, ...f, ...(JSON.parse(config_json) as Row) };
    }
  }
  return { columns, rows: rows() };
}

function seriesRows(db: DB, sweep: string | null): { columns: string[]; rows: Iterable<Row> } {
  const jobs = `SELECT DISTINCT job_id FROM sweep_jobs WHERE (@sweep IS NULL OR sweep = @sweep)`;
  const names = (
    db.prepare(`SELECT DISTINCT je.key AS k FROM series s, json_each(s.norms_json) je WHERE s.job_id IN (${jobs}) ORDER BY k`).all({
      sweep,
    }) as { k: string }[]
  ).map((x) => x.k);
  const q = db.prepare(
    `SELECT s.job_id, r.cell_id, r.seed, s.step, ${SERIES_COLS.map((c) => `s.${c}`).join(", ")}, s.norms_json
     FROM series s JOIN runs r ON r.job_id = s.job_id WHERE s.job_id IN (${jobs}) ORDER BY r.cell_id, r.seed, s.step`,
  );
  const columns = ["job_id", "cell_id", "seed", "step", ...SERIES_COLS, ...names.map((n) => `norm_${n}`)];
  function* rows(): Iterable<Row> {
    for (const r of q.iterate({ sweep }) as Iterable<Row & { norms_json: string }>) {
      const { norms_json, ...rest } = r;
      for (const c of SERIES_COLS) if (rest[c] === null) rest[c] = Number.NaN; // SQLite stores NaN as NULL
      const norms = fromJson<Record<string, number>>(norms_json);
      for (const n of names) rest[`norm_${n}`] = norms[n] ?? null;
      yield rest;
    }
  }
  return { columns, rows: rows() };
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The export of one table as lines (a header line first for CSV), without trailing newlines. */
export function* exportLines(db: DB, table: ExportTable, format: ExportFormat, sweep: string | null = null): Generator<string> {
  const t = table === "cells" ? cellRows(db, sweep) : table === "seeds" ? seedRows(db, sweep) : seriesRows(db, sweep);
  if (format === "csv") yield t.columns.join(",");
  for (const r of t.rows) {
    if (format === "csv") yield t.columns.map((c) => csvCell(r[c])).join(",");
    else {
      const o: Row = {};
      for (const c of t.columns) o[c] = r[c] ?? null;
      yield toJson(o);
    }
  }
}
