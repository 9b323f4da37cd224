// Stopping and resuming in-process: an aborted sweep checkpoints its running jobs and hands them
// back; after the newest checkpoint of one job is truncated and both of another's are corrupted,
// the resumed sweep falls back to the previous good checkpoint (or starts that job afresh) and ends
// with exactly the results of an uninterrupted sweep.
import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobCheckpointDir } from "../../src/sweep/checkpoints.js";
import { runSweep } from "../../src/sweep/run.js";
import { storeStatus } from "../../src/sweep/status.js";
import { openStore } from "../../src/sweep/store.js";
import { SMALL, checkpointsOnDisk, ensureBuilt, query, storedResults, tmpStore, cleanupTmp } from "./helpers.js";

afterAll(cleanupTmp);

beforeAll(ensureBuilt);

const spec = { name: "resume", seeds: 2, base: SMALL, grid: { tau: [1, 1.5] } };
const ckptFile = (store: string, job: string, step: number): string =>
  `${jobCheckpointDir(`${store}-checkpoints`, job)}/${String(step).padStart(12, "0")}.ckpt`;

describe("stop, corrupt, resume", () => {
  it("falls back past bad checkpoints and reproduces the uninterrupted results bit for bit", async () => {
    const reference = tmpStore("resume-ref");
    const ref = await runSweep(spec, { store: reference, workers: 2 });
    expect(ref.ran).toBe(4);

    const store = tmpStore("resume");
    const ac = new AbortController();
    const stopped = await runSweep(spec, {
      store, workers: 2, checkpointEvery: 50, signal: ac.signal,
      onProgress: (p) => {
        if (p.active.length === 2 && p.active.every((a) => a.step >= 150)) ac.abort();
      },
    });
    expect(stopped.interrupted).toBe(true);
    expect(stopped.ran).toBeLessThan(4);

    const db = openStore(store, { readonly: true });
    const st = storeStatus(db, store).sweeps[0]!;
    db.close();
    expect(st.running).toBe(0); // nothing left claimed
    const started = st.unfinished.filter((u) => (u.last_step ?? 0) > 0);
    expect(started.length).toBe(2);

    const disk = checkpointsOnDisk(store);
    const [a, b] = started.map((u) => u.jobId) as [string, string];
    const stepsA = disk.get(a)!;
    const stepsB = disk.get(b)!;
    expect(stepsA.length).toBe(2); // the last K-multiple and the stop checkpoint
    expect(stepsA[1]).toBe(started[0]!.last_step);
    // job a: truncate its newest checkpoint -> resumes from the one before
    truncateSync(ckptFile(store, a, stepsA[1]!), 1000);
    // job b: flip a byte in each -> starts afresh
    for (const s of stepsB) {
      const f = ckptFile(store, b, s);
      const buf = readFileSync(f);
      buf[buf.length >> 1] ^= 0x40;
      writeFileSync(f, buf);
    }

    const resumed = await runSweep(spec, { store, workers: 2, checkpointEvery: 50 });
    expect(resumed).toMatchObject({ left: 0, failed: 0, interrupted: false });
    expect(stopped.ran + resumed.ran).toBe(4);

    const history = (job: string) =>
      JSON.parse(query<{ h: string }>(store, `SELECT resumes_json AS h FROM runs WHERE job_id = ?`, job)[0]!.h) as {
        from_step: number; rejected: { step: number; reason: string }[];
      }[];
    const ha = history(a);
    expect(ha.at(-1)!.from_step).toBe(stepsA[0]);
    expect(ha.at(-1)!.rejected).toEqual([{ step: stepsA[1], reason: expect.stringMatching(/truncated/) }]);
    const hb = history(b);
    expect(hb.at(-1)!.from_step).toBe(0);
    expect(hb.at(-1)!.rejected.map((r) => r.step)).toEqual([...stepsB].reverse());

    expect(storedResults(store)).toEqual(storedResults(reference));
    expect(checkpointsOnDisk(store).size).toBe(0); // finished jobs leave no checkpoints
  });
});
