// A sweep finishes its cells as the paper's runner does: once every seed of a cell is recorded, the
// early grokkers are continued from the final state their job kept to the cell's end. The stored
// series must be exactly those of the cell trained in one process (train/cell-end.ts), also when
// the continuation is interrupted and resumed, and when no final state was kept (from step 0).
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/base/config.js";
import { loadCellRecords, loadSeedRows } from "../../src/sweep/cells.js";
import { checkpointRoot, openStore } from "../../src/sweep/store.js";
import { planExtensions } from "../../src/sweep/extend.js";
import { jobCheckpointDir, loadCheckpoint, writeCheckpoint } from "../../src/sweep/checkpoints.js";
import { decodeSnapshot, encodeSnapshot } from "../../src/train/snapshot.js";
import type { Snapshot } from "../../src/train/types.js";
import { runSweep } from "../../src/sweep/run.js";
import { resolveSweepSpec } from "../../src/experiments/sweep-spec.js";
import { summarizeCell } from "../../src/analysis/cell-stats.js";
import { trainCell } from "../../src/train/cell-end.js";
import { cellRecordOf } from "../../src/train/summary.js";
import { runSeed } from "../../src/train/trainer.js";
import { checkpointsOnDisk, cleanupTmp, ensureBuilt, query, storedResults, tmpStore } from "./helpers.js";
import { mergeStores } from "../../src/distributed/merge.js";

afterAll(cleanupTmp);
beforeAll(ensureBuilt);

// seeds 0, 2, 3 grok at different steps in this setting (test/train/cell-end.test.ts)
const BASE = { p: 13, train_frac: 0.8, d_embed: 16, hidden: 32, lr: 1e-2, steps: 3000, eval_every: 10, log_every: 50, dtype: "f64" } as const;
const spec = (name: string) => ({ name, experiment: "mediation", seeds: [0, 2, 3], cells: [{ ...BASE, arm: "base" }] });

describe("a sweep trains each cell to its end", () => {
  const reference = trainCell(runSeed, resolveConfig(BASE), [0, 2, 3]);
  const end = Math.max(...reference.map((r) => r.T_grok!));

  const expectSameAsReference = async (store: string, name: string): Promise<void> => {
    const cellId = resolveSweepSpec(spec(name)).cells[0]!.cellId;
    const rows = await loadSeedRows(store, cellId);
    for (const r of reference) expect(rows.get(r.seed)).toEqual(r.log);
    const runs = query<{ seed: number; steps_run: number; T_grok: number; final_json: string }>(store, `SELECT seed, steps_run, T_grok, final_json FROM runs ORDER BY seed`);
    expect(runs.map((r) => r.steps_run)).toEqual([end, end, end]);
    expect(runs.map((r) => r.T_grok)).toEqual(reference.map((r) => r.T_grok));
    const [cell] = await loadCellRecords(store);
    const got = summarizeCell(cell!);
    const want = summarizeCell(cellRecordOf(resolveConfig(BASE), reference));
    expect(got.L).toBe(want.L);
    expect(got.L_step).toBe(want.L_step);
    expect(got.norm).toBe(want.norm);
    expect(got.T_grok).toBe(want.T_grok);
  };

  it("continues the early grokkers from their kept final state; the store equals the one-process cell", async () => {
    expect(new Set(reference.map((r) => r.T_grok)).size).toBe(3);
    const store = tmpStore("extend");
    const notices: string[] = [];
    const sum = await runSweep(spec("ext"), { store, workers: 2, onNotice: (m) => notices.push(m) });
    expect(sum).toMatchObject({ total: 3, ran: 3, grokked: 3, extended: 2, left: 0, interrupted: false });
    // the continuation phase shows its progress: one line as it starts, one per continued seed
    expect(notices[0]).toBe("continuing 2 early grokker(s) to their cells' ends (the cells' last grok)");
    expect(notices.slice(1).map((m) => m.replace(/: seed \d+ of .*$/, ""))).toEqual(["continued 1/2", "continued 2/2"]);
    expect(notices.slice(1).every((m) => m.endsWith(`to step ${end}`))).toBe(true);
    await expectSameAsReference(store, "ext");
    expect(checkpointsOnDisk(store).size).toBe(0); // nothing kept once the cell is finished
    const again = await runSweep(spec("ext"), { store, workers: 2 });
    expect(again).toMatchObject({ ran: 0, extended: 0 });
  });

  it("an interrupted continuation resumes to the same bits; without a kept state it starts from step 0", async () => {
    const store = tmpStore("extend-stop");
    const name = "ext2";
    // the jobs only: stop before the continuations start
    const ac = new AbortController();
    const first = await runSweep(spec(name), { store, workers: 2, onProgress: (p) => p.done === 3 && ac.abort(), signal: ac.signal });
    expect(first).toMatchObject({ ran: 3, interrupted: true });
    expect(first.extended ?? 0).toBe(0);
    const kept = checkpointsOnDisk(store);
    expect(kept.size).toBeGreaterThanOrEqual(2); // the early grokkers' final states (the last one's until its cell was complete)
    // a continuation stopped part way (here in this process, 37 steps past the kept state) leaves a
    // checkpoint past its seed's grok, which the next invocation resumes
    const plan = (() => {
      const db = openStore(store, { readonly: true });
      try {
        return planExtensions(db, name);
      } finally {
        db.close();
      }
    })();
    expect(plan).toHaveLength(2);
    const ext = plan[0]!;
    const dir = jobCheckpointDir(checkpointRoot(store), ext.jobId);
    const kept0 = loadCheckpoint(dir, (b) => decodeSnapshot(b)).value!;
    let n = 0;
    const part = runSeed(ext.config, ext.seed, { resume: kept0, until: ext.until, shouldStop: () => ++n > 37 });
    expect(part.stopped).toBe(true);
    const snap = (part as { snapshot: Snapshot }).snapshot;
    expect(snap.step).toBe(kept0.step + 37);
    writeCheckpoint(dir, snap.step, encodeSnapshot(snap));
    const second = await runSweep(spec(name), { store, workers: 2 });
    expect(second).toMatchObject({ ran: 0, extended: 2 });
    await expectSameAsReference(store, name);

    // drop every kept state before the continuations: they start over and give the same bits
    const store3 = tmpStore("extend-scratch");
    const ac3 = new AbortController();
    await runSweep(spec("ext3"), { store: store3, workers: 2, onProgress: (p) => p.done === 3 && ac3.abort(), signal: ac3.signal });
    rmSync(checkpointRoot(store3), { recursive: true, force: true });
    const third = await runSweep(spec("ext3"), { store: store3, workers: 2 });
    expect(third).toMatchObject({ ran: 0, extended: 2 });
    await expectSameAsReference(store3, "ext3");
  });

  it("merging a store that continued a cell with one that had not keeps the continued runs, either way round", async () => {
    const full = tmpStore("merge-full");
    await runSweep(spec("m"), { store: full, workers: 2 });
    const part = tmpStore("merge-part");
    const ac = new AbortController();
    await runSweep(spec("m"), { store: part, workers: 2, onProgress: (p) => p.done === 3 && ac.abort(), signal: ac.signal });
    expect(query<{ n: number }>(part, `SELECT COUNT(DISTINCT steps_run) AS n FROM runs`)[0]!.n).toBeGreaterThan(1);
    const before = storedResults(full);
    mergeStores(full, [part]); // the target holds the longer runs: kept
    expect(storedResults(full)).toEqual(before);
    const into = tmpStore("merge-into");
    mergeStores(into, [part]);
    mergeStores(into, [full]);
    expect(storedResults(into)).toEqual(storedResults(full));
    mergeStores(part, [full]);
    expect(storedResults(part)).toEqual(storedResults(full));
  });
});
