// runSweep end to end on worker threads with the real trainer (tiny configs): a second run does
// nothing, added cells run alone, a diverging run is recorded as diverged, a failing job is marked
// failed and retried by the next invocation, and the stored results read back as exports and
// CellRecords.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCellRecords, loadSeedRows } from "../../src/sweep/cells.js";
import { exportLines } from "../../src/sweep/export.js";
import { runSweep, type SweepProgress } from "../../src/sweep/run.js";
import { openStore } from "../../src/sweep/store.js";
import { storeStatus } from "../../src/sweep/status.js";
import { ROOT, TINY, ensureBuilt, query, tmpStore, cleanupTmp } from "./helpers.js";

afterAll(cleanupTmp);

beforeAll(ensureBuilt);

describe("runSweep", () => {
  it("runs every job once; a second run does nothing; added cells run alone", async () => {
    const store = tmpStore("idem");
    const spec = { name: "idem", experiment: "mediation", seeds: 2, base: TINY, grid: { tau: [1, 1.5] } };
    const seen: SweepProgress[] = [];
    const first = await runSweep(spec, { store, workers: 2, onProgress: (p) => seen.push(p) });
    expect(first).toMatchObject({ total: 4, already_done: 0, ran: 4, failed: 0, left: 0, interrupted: false });
    expect(first.grokked + first.censored + first.diverged).toBe(4);
    expect(seen.at(-1)).toMatchObject({ done: 4, running: 0, left: 0 });
    expect(seen.some((p) => p.running === 2)).toBe(true);
    const before = query<{ job_id: string; finished_at: string; claims: number }>(store, `SELECT job_id, finished_at, claims FROM runs ORDER BY job_id`);
    expect(before.every((r) => r.claims === 1)).toBe(true);
    for (const r of query<{ code_version: string }>(store, `SELECT code_version FROM runs`)) {
      expect(r.code_version).toMatch(/^grokscale@\d+\.\d+\.\d+(\+[0-9a-f]{12})?$/);
    }

    const second = await runSweep(spec, { store, workers: 2 });
    expect(second).toMatchObject({ total: 4, already_done: 4, ran: 0, left: 0 });
    expect(query(store, `SELECT job_id, finished_at, claims FROM runs ORDER BY job_id`)).toEqual(before);

    const grown = await runSweep({ ...spec, grid: { tau: [1, 1.5, 2] } }, { store, workers: 2 });
    expect(grown).toMatchObject({ total: 6, already_done: 4, ran: 2, left: 0 });
    const after = query<{ job_id: string; finished_at: string; claims: number }>(store, `SELECT job_id, finished_at, claims FROM runs ORDER BY job_id`);
    expect(after).toHaveLength(6);
    for (const r of before) expect(after).toContainEqual(r);
    expect(query(store, `SELECT COUNT(*) AS n FROM live`)).toEqual([{ n: 0 }]);

    // exports: one row per job / logged step, a header for CSV
    const db = openStore(store, { readonly: true });
    try {
      const seeds = [...exportLines(db, "seeds", "csv")];
      expect(seeds).toHaveLength(7);
      expect(seeds[0]!.split(",").slice(0, 9)).toEqual(["sweep", "job_id", "cell_id", "experiment", "arm", "label", "seed", "status", "result"]);
      const series = [...exportLines(db, "series", "jsonl")].map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(series).toHaveLength(query<{ n: number }>(store, `SELECT COUNT(*) AS n FROM series`)[0]!.n);
      expect(Object.keys(series[0]!)).toEqual(expect.arrayContaining(["job_id", "step", "logit_scale", "norm_E", "norm_W1", "norm_W2"]));
      const cells = [...exportLines(db, "cells", "csv")];
      expect(cells).toHaveLength(4);
      const status = storeStatus(db, store);
      expect(status.sweeps).toMatchObject([{ name: "idem", cells: 3, total: 6, done: 6, pending: 0, running: 0, unfinished: [] }]);
    } finally {
      db.close();
    }

    // CellRecords: the seed-mean series is the mean of the per-seed rows
    const recs = await loadCellRecords(store);
    expect(recs).toHaveLength(3);
    expect(recs.map((r) => r.tau)).toEqual([1, 1.5, 2]);
    const r0 = recs[0]!;
    expect(r0).toMatchObject({ source: "store", experiment: "mediation", arm: "free", model: "mlp", p: 7, loss: "ce", rho: 1, gamma: null, dtype: "f32", t_fork: null });
    expect(r0.seeds.map((s) => s.seed)).toEqual([0, 1]);
    const per = await loadSeedRows(store, r0.id);
    const a = per.get(0)!;
    const b = per.get(1)!;
    expect(r0.series.step).toEqual(a.map((x) => x.step));
    expect(r0.series.logit_scale[3]).toBe((a[3]!.logit_scale + b[3]!.logit_scale) / 2);
    expect(r0.series.norms!["W1"]![2]).toBe((a[2]!.norms["W1"]! + b[2]!.norms["W1"]!) / 2);

    // a cell shared with another experiment is stored and run once, and read once per experiment/arm
    const shared = await runSweep({ name: "grid", experiment: "collapse", seeds: 2, base: TINY, cells: [{ arm: "grid", tau: 1 }] }, { store });
    expect(shared).toMatchObject({ total: 2, already_done: 2, ran: 0 });
    const both = await loadCellRecords(store);
    expect(both).toHaveLength(4);
    const twins = both.filter((r) => r.tau === 1);
    expect(twins.map((r) => r.id)).toEqual([`${r0.id}#collapse/grid`, `${r0.id}#mediation/free`]);
    expect(twins[0]!.seeds).toEqual(twins[1]!.seeds);
  });

  it("records a diverging run (non-finite loss) as diverged, not grokked or censored", async () => {
    const store = tmpStore("diverge");
    const spec = { name: "div", seeds: 2, base: TINY, cells: [{ arm: "huge-lr", lr: 1e6, dtype: "f32" }, { arm: "normal" }] };
    const s = await runSweep(spec, { store, workers: 2 });
    expect(s).toMatchObject({ ran: 4, diverged: 2, failed: 0 });
    const rows = query<{ seed: number; lr: number; status: string; result: string; T_grok: number | null; delay: number | null }>(
      store,
      `SELECT r.seed, json_extract(c.config_json, '$.lr') AS lr, r.status, r.result, r.T_grok, r.delay FROM runs r JOIN cells c ON c.id = r.cell_id ORDER BY lr DESC, seed`,
    );
    expect(rows.slice(0, 2)).toEqual([
      { seed: 0, lr: 1e6, status: "done", result: "diverged", T_grok: null, delay: null },
      { seed: 1, lr: 1e6, status: "done", result: "diverged", T_grok: null, delay: null },
    ]);
    expect(rows.slice(2).every((r) => r.result !== "diverged")).toBe(true);
    const recs = await loadCellRecords(store);
    expect(recs.find((r) => r.arm === "huge-lr")!.seeds.map((x) => x.status)).toEqual(["diverged", "diverged"]);
  });

  it("marks a failing job failed, finishes the others, and retries it on the next invocation", async () => {
    const store = tmpStore("fail");
    const spec = { name: "fail", seeds: 3, base: TINY };
    const runner = join(ROOT, "test", "sweep", "fixtures", "failing-runner.mjs");
    process.env["GS_FAIL_SEED"] = "1";
    try {
      const s = await runSweep(spec, { store, workers: 2, runner });
      expect(s).toMatchObject({ ran: 2, failed: 1, left: 1 });
      expect(s.errors[0]!.message).toMatch(/injected failure on seed 1/);
      expect(query(store, `SELECT seed, status FROM runs ORDER BY seed`)).toEqual([
        { seed: 0, status: "done" }, { seed: 1, status: "failed" }, { seed: 2, status: "done" },
      ]);
    } finally {
      delete process.env["GS_FAIL_SEED"];
    }
    const again = await runSweep(spec, { store, workers: 2, runner });
    expect(again).toMatchObject({ already_done: 2, ran: 1, failed: 0, left: 0 });
  });

  it("a missing runner module stops the sweep with a clear error and leaves its jobs pending", async () => {
    const store = tmpStore("norunner");
    await expect(runSweep({ name: "x", seeds: 2, base: TINY }, { store, workers: 1, runner: "/nonexistent/runner.mjs" })).rejects.toThrow(
      /could not start/,
    );
    expect(query(store, `SELECT status, claimed_by FROM runs`)).toEqual([
      { status: "pending", claimed_by: null }, { status: "pending", claimed_by: null },
    ]);
  });
});
