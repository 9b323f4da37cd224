// The results store: a fresh file is created in WAL mode at the current schema version, reopening
// migrates nothing, a newer schema is refused, a later migration upgrades a store in place keeping
// its data, and read-only opening never creates a file.
import { existsSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS, SCHEMA_VERSION, StoreError, migrate, openStore, schemaVersion } from "../../src/sweep/store.js";
import { tmpStore, cleanupTmp } from "./helpers.js";

afterAll(cleanupTmp);

describe("results store", () => {
  it("creates the schema in WAL mode, and reopening is a no-op", () => {
    const path = tmpStore("store");
    const db = openStore(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(["cells", "live", "meta", "runs", "series", "sweep_cells", "sweep_jobs", "sweeps"]);
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get()).toEqual({ value: String(SCHEMA_VERSION) });
    expect(migrate(db)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    db.close();
    const again = openStore(path);
    expect(schemaVersion(again)).toBe(SCHEMA_VERSION);
    again.close();
  });

  it("upgrades an older store in place and keeps its rows", () => {
    const path = tmpStore("migrate");
    const db = openStore(path);
    db.prepare(`INSERT INTO cells(id, config_json, created_at) VALUES ('c1', '{}', 'now')`).run();
    db.close();
    const next = [...MIGRATIONS, `ALTER TABLE cells ADD COLUMN note TEXT NOT NULL DEFAULT 'x'`];
    const db2 = openStore(path, { migrations: next });
    expect(schemaVersion(db2)).toBe(SCHEMA_VERSION + 1);
    expect(db2.prepare(`SELECT id, note FROM cells`).all()).toEqual([{ id: "c1", note: "x" }]);
    db2.close();
  });

  it("refuses a store written by a newer schema", () => {
    const path = tmpStore("newer");
    const db = openStore(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => openStore(path)).toThrow(StoreError);
    expect(() => openStore(path)).toThrow(/newer than this grokscale/);
  });

  it("read-only opening of a missing store fails without creating it", () => {
    const path = tmpStore("missing");
    expect(() => openStore(path, { readonly: true })).toThrow(/no results store/);
    expect(existsSync(path)).toBe(false);
  });
});
