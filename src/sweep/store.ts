// The results store: one SQLite database (better-sqlite3, WAL, busy timeout) holding sweeps, cells,
// seed runs, logged series and live rows, with a schema version and forward-only migrations.
// Opening is safe from several processes at once, and refuses a file that is not ours before writing
// to it (store-identity.ts; every store carries our application id). This file owns the schema and
// the connection; the queries live in claims.ts, record.ts (writes) and status.ts, export.ts, cells.ts.

import Database from "better-sqlite3";
import { dirname, resolve } from "node:path";
import { APPLICATION_ID, ForeignStoreError, identifyStore, makeDir } from "./store-identity.js";

export type DB = Database.Database;

export const DEFAULT_STORE = "./grokscale-results/grokscale.db";

export class StoreError extends Error {}

/** Migrations, in order; migration i takes the schema from version i to i + 1. */
export const MIGRATIONS: readonly string[] = [
  // v1: the initial schema
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE sweeps (
    name TEXT PRIMARY KEY, spec_json TEXT NOT NULL, seeds_json TEXT NOT NULL,
    code_version TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
  );
  CREATE TABLE cells (id TEXT PRIMARY KEY, config_json TEXT NOT NULL, created_at TEXT NOT NULL);
  CREATE TABLE sweep_cells (
    sweep TEXT NOT NULL REFERENCES sweeps(name) ON DELETE CASCADE,
    cell_id TEXT NOT NULL REFERENCES cells(id),
    position INTEGER NOT NULL,
    experiment TEXT NOT NULL, arm TEXT NOT NULL, label TEXT NOT NULL,
    PRIMARY KEY (sweep, cell_id, experiment, arm, label)
  );
  CREATE TABLE runs (
    job_id TEXT PRIMARY KEY,
    cell_id TEXT NOT NULL REFERENCES cells(id),
    seed INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
    result TEXT CHECK (result IN ('grokked', 'censored', 'diverged')),
    T_mem INTEGER, T_grok INTEGER, delay INTEGER,
    norm_at_grok REAL, norm_at_fork REAL,
    steps_run INTEGER, wall_s REAL, code_version TEXT,
    final_json TEXT, error TEXT,
    claimed_by TEXT, claimed_at REAL, heartbeat REAL,
    claims INTEGER NOT NULL DEFAULT 0,
    last_step INTEGER,
    resumes_json TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL, finished_at TEXT,
    UNIQUE (cell_id, seed)
  );
  CREATE INDEX runs_status ON runs(status);
  CREATE TABLE sweep_jobs (
    sweep TEXT NOT NULL REFERENCES sweeps(name) ON DELETE CASCADE,
    job_id TEXT NOT NULL REFERENCES runs(job_id),
    position INTEGER NOT NULL,
    PRIMARY KEY (sweep, job_id)
  );
  CREATE INDEX sweep_jobs_pos ON sweep_jobs(sweep, position);
  CREATE TABLE series (
    job_id TEXT NOT NULL REFERENCES runs(job_id),
    step INTEGER NOT NULL,
    train_loss REAL, test_loss REAL, train_acc REAL, test_acc REAL,
    weight_norm REAL, logit_scale REAL, frac_saturated REAL, collapse_rate REAL, fourier_top5 REAL,
    norms_json TEXT NOT NULL,
    PRIMARY KEY (job_id, step)
  ) WITHOUT ROWID;
  CREATE TABLE live (
    job_id TEXT NOT NULL, step INTEGER NOT NULL, row_json TEXT NOT NULL,
    PRIMARY KEY (job_id, step)
  ) WITHOUT ROWID;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The schema version of an open database (0 for a fresh file). */
export function schemaVersion(db: DB): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/** Brings a database up to `migrations.length`, in one immediate transaction (safe across processes). */
export function migrate(db: DB, migrations: readonly string[] = MIGRATIONS): { from: number; to: number } {
  const tx = db.transaction(() => {
    const from = schemaVersion(db);
    if (from > migrations.length) {
      throw new StoreError(
        `store schema version ${from} is newer than this grokscale understands (${migrations.length}); upgrade grokscale`,
      );
    }
    for (let v = from; v < migrations.length; v++) db.exec(migrations[v]!);
    if (db.pragma("application_id", { simple: true }) !== APPLICATION_ID) db.pragma(`application_id = ${APPLICATION_ID}`);
    if (from < migrations.length) {
      db.pragma(`user_version = ${migrations.length}`);
      db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)").run(String(migrations.length));
    }
    return { from, to: migrations.length };
  });
  return tx.immediate();
}

export interface OpenOptions {
  /** milliseconds to wait on a lock held by another process */
  busyTimeoutMs?: number;
  /** open without creating or migrating (status, export) */
  readonly?: boolean;
  migrations?: readonly string[];
}

/** Classifies the file at a store path without writing (store-identity.ts); a foreign file is a StoreError. */
function kindOf(file: string): ReturnType<typeof identifyStore> {
  try {
    return identifyStore(file);
  } catch (err) {
    if (err instanceof ForeignStoreError) throw new StoreError(err.message);
    throw err;
  }
}

/**
 * Opens (creating and migrating if needed) the store at `path`, in WAL mode. A file that is not a
 * grokscale store is refused, naming it, before anything is written (store-identity.ts).
 */
export function openStore(path: string = DEFAULT_STORE, opts: OpenOptions = {}): DB {
  const file = resolve(path);
  if (opts.readonly) {
    const kind = kindOf(file);
    if (kind !== "ours") throw new StoreError(`no results store at ${file}${kind === "empty" ? " (an empty file)" : ""}`);
    let db: DB;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
    } catch {
      throw new StoreError(`no results store at ${file}`);
    }
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 10_000}`);
    const v = schemaVersion(db);
    const want = (opts.migrations ?? MIGRATIONS).length;
    if (v !== want) {
      db.close();
      throw new StoreError(`store ${file} has schema version ${v}, this grokscale reads ${want}`);
    }
    return db;
  }
  try {
    makeDir(dirname(file), "store's folder");
  } catch (err) {
    throw new StoreError((err as Error).message);
  }
  kindOf(file); // refuses a foreign file before the journal mode or anything else changes it
  let db: DB;
  try {
    db = new Database(file);
  } catch (err) {
    throw new StoreError(`cannot open the results store ${file}: ${(err as Error).message}`);
  }
  const timeoutMs = opts.busyTimeoutMs ?? 10_000;
  db.pragma(`busy_timeout = ${timeoutMs}`);
  try {
    enterWal(db, file, timeoutMs);
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db, opts.migrations);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Switches the database to WAL, retrying while another process holds it. SQLite answers the switch
 * out of rollback mode with SQLITE_BUSY at once, without calling the busy handler, while any other
 * connection has the file open: two processes opening one new store at the same moment (two sweeps,
 * or a sweep and `status`) would otherwise have one fail with "database is locked".
 */
function enterWal(db: DB, file: string, timeoutMs: number): void {
  const t0 = Date.now();
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    try {
      if (db.pragma("journal_mode = WAL", { simple: true }) === "wal") return;
    } catch (err) {
      if ((err as { code?: string }).code !== "SQLITE_BUSY") throw err;
    }
    if (Date.now() - t0 > timeoutMs) throw new StoreError(`the results store ${file} stayed locked by another process for ${timeoutMs} ms`);
    Atomics.wait(pause, 0, 0, wait);
  }
}

/** Where a store keeps its checkpoint files: a folder next to the database (`grokscale.db-checkpoints`). */
export function checkpointRoot(storePath: string): string {
  return `${resolve(storePath)}-checkpoints`;
}

export const nowIso = (): string => new Date().toISOString();
