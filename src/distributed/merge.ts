// Merging results stores (the shards of an array job, or stores from several machines) into one:
// sweeps, cells, runs with their series, and sweep memberships are copied; a job finished in both
// must hold the same results (same bits, series included) or the merge is refused, naming the job,
// and nothing is written. Sources are opened read-only; a target that is not a grokscale store is
// refused untouched, and a new target is built in a temporary file renamed into place only when the
// whole merge succeeded (never a half-made target). Returns counts; prints nothing.

import { existsSync, renameSync, rmdirSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { StoreError, openStore, type DB } from "../sweep/store.js";
import { ForeignStoreError, identifyStore } from "../sweep/store-identity.js";

export class MergeConflictError extends Error {}

export interface MergeSourceSummary {
  path: string;
  runs: number;
  /** runs the target did not have */
  added: number;
  /** runs finished here and unfinished in the target */
  updated: number;
  /** finished in both, with the same results */
  identical: number;
  /** unfinished here (the target's row is kept) */
  skipped: number;
}

export interface MergeSummary {
  target: string;
  sources: MergeSourceSummary[];
  sweeps_added: number;
  cells_added: number;
}

/** The columns that make a run's result: two finished runs agree iff these and their series agree. */
const RESULT_COLS = ["result", "T_mem", "T_grok", "delay", "norm_at_grok", "norm_at_fork", "steps_run", "final_json"] as const;
/** Copied with a finished run's result. */
const DONE_COLS = [...RESULT_COLS, "wall_s", "code_version", "resumes_json", "finished_at", "last_step"] as const;

type Row = Record<string, unknown>;

/** Same value, bit for bit (so -0 and 0 differ, and NaN equals NaN). */
const same = (a: unknown, b: unknown): boolean => Object.is(a, b);

function columns(db: DB, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

/** Merges `sources` into `target` (created if missing) in one transaction; throws on any conflict. */
export function mergeStores(target: string, sources: readonly string[]): MergeSummary {
  const tgt = resolve(target);
  const paths = [...new Set(sources.map((s) => resolve(s)))].filter((p) => p !== tgt);
  if (paths.length === 0) throw new StoreError("merge: give at least one store other than the target");
  const srcs: { path: string; db: DB }[] = [];
  try {
    for (const path of paths) srcs.push({ path, db: openStore(path, { readonly: true }) });
    let kind: ReturnType<typeof identifyStore>;
    try {
      kind = identifyStore(tgt);
    } catch (err) {
      if (err instanceof ForeignStoreError) throw new StoreError(`merge target: ${err.message}`);
      throw err;
    }
    // an existing store is merged into in one transaction (other processes may be using it);
    // a new one is built aside and renamed into place once complete
    const building = kind === "ours" ? null : `${tgt}.merging-${process.pid}`;
    const run = (file: string): MergeSummary => {
      const db = openStore(file);
      try {
        const summary: MergeSummary = { target: tgt, sources: [], sweeps_added: 0, cells_added: 0 };
        db.transaction(() => {
          for (const s of srcs) summary.sources.push(mergeOne(db, s.db, s.path, tgt, summary));
        }).immediate();
        return summary;
      } finally {
        db.close();
      }
    };
    if (building === null) return run(tgt);
    const folderExisted = existsSync(dirname(tgt));
    let renamed = false;
    try {
      const summary = run(building);
      renameSync(building, tgt);
      renamed = true;
      return summary;
    } finally {
      for (const f of [building, `${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
      if (!renamed && !folderExisted) {
        try {
          rmdirSync(dirname(tgt)); // the folder made for the target, if still empty
        } catch {
          /* not empty, or gone */
        }
      }
    }
  } finally {
    for (const s of srcs) s.db.close();
  }
}

function mergeOne(db: DB, src: DB, srcPath: string, tgtPath: string, total: MergeSummary): MergeSourceSummary {
  const out: MergeSourceSummary = { path: srcPath, runs: 0, added: 0, updated: 0, identical: 0, skipped: 0 };
  const insert = (table: string, row: Row, verb = "INSERT"): void => {
    const cols = Object.keys(row);
    db.prepare(`${verb} INTO ${table}(${cols.join(", ")}) VALUES (${cols.map((c) => `@${c}`).join(", ")})`).run(row);
  };

  // sweeps: the same name must mean the same spec
  for (const s of src.prepare(`SELECT * FROM sweeps`).all() as Row[]) {
    const t = db.prepare(`SELECT spec_json, updated_at FROM sweeps WHERE name = ?`).get(s["name"]) as Row | undefined;
    if (!t) {
      insert("sweeps", s);
      total.sweeps_added++;
    } else if (t["spec_json"] !== s["spec_json"]) {
      throw new MergeConflictError(`sweep "${String(s["name"])}" has a different spec in ${srcPath} than in ${tgtPath}; refusing to merge them`);
    } else if (String(s["updated_at"]) > String(t["updated_at"])) {
      db.prepare(`UPDATE sweeps SET updated_at = ? WHERE name = ?`).run(s["updated_at"], s["name"]);
    }
  }
  // cells: content-addressed, so a clash means a corrupt store
  for (const c of src.prepare(`SELECT * FROM cells`).all() as Row[]) {
    const t = db.prepare(`SELECT config_json FROM cells WHERE id = ?`).get(c["id"]) as Row | undefined;
    if (!t) {
      insert("cells", c);
      total.cells_added++;
    } else if (t["config_json"] !== c["config_json"]) {
      throw new MergeConflictError(`cell ${String(c["id"])} has different configs in ${srcPath} and ${tgtPath}`);
    }
  }
  // runs and series
  const seriesCols = columns(src, "series");
  const seriesOf = (d: DB, job: unknown): Row[] => d.prepare(`SELECT ${seriesCols.join(", ")} FROM series WHERE job_id = ? ORDER BY step`).all(job) as Row[];
  const copySeries = (job: unknown): void => {
    db.prepare(`DELETE FROM series WHERE job_id = ?`).run(job);
    for (const r of seriesOf(src, job)) insert("series", r);
  };
  const getT = db.prepare(`SELECT * FROM runs WHERE job_id = ?`);
  for (const s of src.prepare(`SELECT * FROM runs ORDER BY job_id`).iterate() as Iterable<Row>) {
    out.runs++;
    const t = getT.get(s["job_id"]) as Row | undefined;
    if (!t) {
      const row = { ...s };
      if (row["status"] === "running") Object.assign(row, { status: "pending", claimed_by: null, claimed_at: null, heartbeat: null });
      insert("runs", row);
      if (row["status"] === "done") copySeries(s["job_id"]);
      out.added++;
    } else if (s["status"] === "done" && t["status"] === "done") {
      const ss = seriesOf(src, s["job_id"]);
      const st = seriesOf(db, s["job_id"]);
      const diff = differs(s, t, ss, st);
      const longer = diff === null ? null : continuationOf(s, t, ss, st);
      if (longer === "source") {
        // the source continued this seed to its cell's end (sweep/extend.ts); the target had not
        const set = DONE_COLS.map((c) => `${c} = @${c}`).join(", ");
        db.prepare(`UPDATE runs SET ${set} WHERE job_id = @job_id`).run(Object.fromEntries([...DONE_COLS, "job_id"].map((c) => [c, s[c]])));
        copySeries(s["job_id"]);
        out.updated++;
      } else if (longer === "target") {
        out.identical++;
      } else if (diff !== null) {
        throw new MergeConflictError(
          `job ${String(s["job_id"])} (cell ${String(s["cell_id"]).slice(0, 12)}, seed ${String(s["seed"])}) has different results ` +
            `in ${srcPath} and ${tgtPath} (${diff}); refusing to merge them`,
        );
      } else out.identical++;
    } else if (s["status"] === "done") {
      const set = DONE_COLS.map((c) => `${c} = @${c}`).join(", ");
      db.prepare(
        `UPDATE runs SET status = 'done', ${set}, error = NULL, claimed_by = NULL, claimed_at = NULL, heartbeat = NULL WHERE job_id = @job_id`,
      ).run(Object.fromEntries([...DONE_COLS, "job_id"].map((c) => [c, s[c]])));
      copySeries(s["job_id"]);
      db.prepare(`DELETE FROM live WHERE job_id = ?`).run(s["job_id"]);
      out.updated++;
    } else out.skipped++;
  }
  // memberships (after the runs and cells they reference); one sweep position holds one cell with one label
  const atPos = db.prepare(`SELECT cell_id, experiment, arm, label FROM sweep_cells WHERE sweep = ? AND position = ?`);
  for (const m of src.prepare(`SELECT * FROM sweep_cells`).all() as Row[]) {
    const t = atPos.get(m["sweep"], m["position"]) as Row | undefined;
    if (t !== undefined) {
      const diff = (["cell_id", "experiment", "arm", "label"] as const).find((k) => t[k] !== m[k]);
      if (diff !== undefined) {
        throw new MergeConflictError(
          `sweep "${String(m["sweep"])}" cell #${String(m["position"])} has ${diff} ${JSON.stringify(m[diff])} in ${srcPath} ` +
            `but ${JSON.stringify(t[diff])} in ${tgtPath}; refusing to merge them`,
        );
      }
    }
    insert("sweep_cells", m, "INSERT OR IGNORE");
  }
  for (const m of src.prepare(`SELECT * FROM sweep_jobs`).all() as Row[]) insert("sweep_jobs", m, "INSERT OR IGNORE");
  return out;
}

/**
 * When two finished runs of one grokked seed differ only in how far it was continued past its grok
 * (sweep/extend.ts): the same events, and the shorter run's series a prefix of the longer's. Returns
 * which of the two is the longer, or null when they differ otherwise.
 */
function continuationOf(src: Row, tgt: Row, ss: Row[], st: Row[]): "source" | "target" | null {
  if (src["result"] !== "grokked" || tgt["result"] !== "grokked") return null;
  for (const c of ["T_grok", "norm_at_grok", "norm_at_fork"] as const) if (!same(src[c], tgt[c])) return null;
  const [long, short, which] = Number(src["steps_run"]) > Number(tgt["steps_run"]) ? [ss, st, "source" as const] : [st, ss, "target" as const];
  // T_mem may be reached only during the continuation: then the shorter run has none
  const [lr, sr] = which === "source" ? [src, tgt] : [tgt, src];
  if (sr["T_mem"] !== null && (!same(sr["T_mem"], lr["T_mem"]) || !same(sr["delay"], lr["delay"]))) return null;
  if (short.length > long.length) return null;
  for (let i = 0; i < short.length; i++) for (const c of Object.keys(short[i]!)) if (!same(short[i]![c], long[i]![c])) return null;
  return which;
}

/** Why two finished runs differ (the first difference), or null when they hold the same results. */
function differs(a: Row, b: Row, sa: Row[], sb: Row[]): string | null {
  for (const c of RESULT_COLS) if (!same(a[c], b[c])) return `${c}: ${fmt(a[c])} vs ${fmt(b[c])}`;
  if (sa.length !== sb.length) return `series: ${sa.length} vs ${sb.length} logged steps`;
  for (let i = 0; i < sa.length; i++) {
    for (const c of Object.keys(sa[i]!)) {
      if (!same(sa[i]![c], sb[i]![c])) return `series at step ${String(sa[i]!["step"])}, ${c}: ${fmt(sa[i]![c])} vs ${fmt(sb[i]![c])}`;
    }
  }
  return null;
}

const fmt = (v: unknown): string => (typeof v === "string" && v.length > 40 ? `${v.slice(0, 37)}...` : JSON.stringify(v));
