// Is this file a grokscale results store? Decided read-only, before anything is written: a missing
// path or an empty (0-byte) file is ours to create; a SQLite file is ours when it carries our
// application_id (or, for stores made before the id existed, our `meta` table with a schema version
// equal to its user_version); anything else is refused with a StoreError naming the file. Also makes
// a store's folder without Node's recursive mkdir (which loops under /proc). No schema here (store.ts).

import { accessSync, constants, mkdirSync, openSync, readSync, closeSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

/** Written into every store's header (PRAGMA application_id): "GrkS". */
export const APPLICATION_ID = 0x47726b53;

const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

export class ForeignStoreError extends Error {}

/** What is at a store path: nothing (create it), an empty file (create in it), or one of our stores. */
export type StoreKind = "missing" | "empty" | "ours";

function header(file: string): Buffer {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(100);
    const n = readSync(fd, buf, 0, 100, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Classifies the file at `file` without writing to it; throws ForeignStoreError (naming the file)
 * when it is not a grokscale store: not a regular file, not SQLite, or a SQLite database of another
 * program.
 */
export function identifyStore(file: string): StoreKind {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw new ForeignStoreError(`cannot use ${file} as a results store: ${(err as Error).message}`);
  }
  if (!st.isFile()) throw new ForeignStoreError(`${file} is not a regular file, so not a grokscale results store; refusing to use it`);
  if (st.size === 0) return "empty";
  let head: Buffer;
  try {
    head = header(file);
  } catch (err) {
    throw new ForeignStoreError(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (head.length < SQLITE_MAGIC.length || !head.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
    throw new ForeignStoreError(`${file} is not a SQLite database, so not a grokscale results store; refusing to touch it`);
  }
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma("busy_timeout = 10000");
    const conn = db;
    // one read transaction, so the id, version and tables come from one snapshot: read one by one,
    // they could straddle another process's creation of the store and look like a foreign database
    const { appId, version, tables, metaVersion } = conn.transaction(() => {
      const appId = conn.pragma("application_id", { simple: true }) as number;
      const version = conn.pragma("user_version", { simple: true }) as number;
      const tables = (conn.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
      const meta = tables.includes("meta")
        ? (conn.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined)
        : undefined;
      return { appId, version, tables, metaVersion: meta === undefined ? undefined : Number(meta.value) };
    })();
    if (appId === APPLICATION_ID) return "ours";
    if (appId === 0 && version > 0 && metaVersion === version) return "ours"; // a store made before the application id
    if (appId === 0 && version === 0 && tables.length === 0) return "empty"; // a bare SQLite header, no tables
    const what = appId !== 0 ? `application id 0x${(appId >>> 0).toString(16)}` : `tables ${tables.slice(0, 5).join(", ") || "(none)"}`;
    throw new ForeignStoreError(`${file} is a SQLite database of another program (${what}), not a grokscale results store; refusing to touch it`);
  } catch (err) {
    if (err instanceof ForeignStoreError) throw err;
    throw new ForeignStoreError(`${file} is not a readable grokscale results store: ${(err as Error).message}`);
  } finally {
    db?.close();
  }
}

/**
 * Makes `dir` and its missing parents one level at a time (never Node's recursive mkdir, which
 * never returns for a path under /proc), failing fast with a message naming the folder.
 */
export function makeDir(dir: string, what = "folder"): void {
  const missing: string[] = [];
  let d = dir;
  for (;;) {
    let st;
    try {
      st = statSync(d);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") throw new ForeignStoreError(`cannot make the ${what} ${dir}: ${d}: ${(err as Error).message}`);
      missing.push(d);
      const up = dirname(d);
      if (up === d) throw new ForeignStoreError(`cannot make the ${what} ${dir}: no existing parent folder`);
      d = up;
      continue;
    }
    if (!st.isDirectory()) throw new ForeignStoreError(`cannot make the ${what} ${dir}: ${d} is not a folder`);
    try {
      accessSync(d, constants.W_OK | constants.X_OK);
    } catch {
      throw new ForeignStoreError(`cannot use the ${what} ${dir}: ${d} is not writable`);
    }
    break;
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") continue; // made meanwhile by another process
      throw new ForeignStoreError(`cannot make the ${what} ${dir}: ${(err as Error).message}`);
    }
  }
}
