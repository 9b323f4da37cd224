// Real sweep processes (the CLI, spawned): SIGKILL of a running sweep at two moments, then a
// restart, ends with exactly the results of an uninterrupted sweep (same bits), every job recorded
// once; SIGTERM stops cleanly with checkpoints and a resume hint; two sweep processes on one store
// split the jobs and never run one twice.
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSweep } from "../../src/sweep/run.js";
import { storeStatus } from "../../src/sweep/status.js";
import { openStore } from "../../src/sweep/store.js";
import { SMALL, checkpointsOnDisk, ensureBuilt, query, sleep, spawnCli, storedResults, tmpStore, cleanupTmp } from "./helpers.js";

afterAll(cleanupTmp);

beforeAll(ensureBuilt);

const spec = { name: "procs", seeds: 2, base: SMALL, grid: { tau: [1, 1.5] } };
const JOBS = 4;

function writeSpec(store: string, s: unknown): string {
  const path = store.replace(/store\.db$/, "spec.json");
  writeFileSync(path, JSON.stringify(s));
  return path;
}

const doneCount = (store: string): number => {
  try {
    return query<{ n: number }>(store, `SELECT COUNT(*) AS n FROM runs WHERE status = 'done'`)[0]!.n;
  } catch {
    return 0; // not created yet
  }
};

/** Polls until `ready()` holds (or the child exits), then SIGKILLs the child. */
async function killWhen(child: ReturnType<typeof spawnCli>, ready: () => boolean): Promise<void> {
  let exited = false;
  void child.done.then(() => (exited = true));
  const t0 = Date.now();
  while (!exited && !ready()) {
    if (Date.now() - t0 > 60_000) throw new Error("timed out waiting to kill");
    await sleep(20);
  }
  expect(exited).toBe(false); // it must still be running when killed
  child.child.kill("SIGKILL");
  const r = await child.done;
  expect(r.signal).toBe("SIGKILL");
}

describe("sweep processes", () => {
  it("kill -9 twice, then resume: identical results, none lost, none duplicated", async () => {
    const reference = tmpStore("kill-ref");
    expect((await runSweep(spec, { store: reference, workers: 2 })).ran).toBe(JOBS);

    const store = tmpStore("kill");
    const specPath = writeSpec(store, spec);
    const args = ["sweep", specPath, "--store", store, "--workers", "2", "--checkpoint-every", "50", "--json"];

    // round 1: kill once a job is done and a running one has checkpointed past step 200
    const first = spawnCli(args);
    await killWhen(first, () => {
      if (doneCount(store) < 1) return false;
      const running = query<{ job_id: string }>(store, `SELECT job_id FROM runs WHERE status = 'running'`).map((r) => r.job_id);
      const disk = checkpointsOnDisk(store);
      return running.some((j) => (disk.get(j)?.at(-1) ?? 0) >= 150);
    });
    const db = openStore(store, { readonly: true });
    const st = storeStatus(db, store).sweeps[0]!;
    db.close();
    expect(st.running).toBeGreaterThan(0);
    expect(st.unfinished.filter((u) => u.status === "running").every((u) => u.orphaned)).toBe(true);

    // round 2: restart, kill again once one more job is done
    const base = doneCount(store);
    await killWhen(spawnCli(args), () => doneCount(store) > base);

    // round 3: to the end
    const last = await spawnCli(args).done;
    expect(last.code).toBe(0);
    const summary = JSON.parse(last.stdout) as { left: number; failed: number; total: number };
    expect(summary).toMatchObject({ total: JOBS, left: 0, failed: 0 });

    expect(storedResults(store)).toEqual(storedResults(reference));
    const runs = query<{ claims: number; resumes_json: string }>(store, `SELECT claims, resumes_json FROM runs`);
    expect(runs).toHaveLength(JOBS);
    const starts = runs.flatMap((r) => JSON.parse(r.resumes_json) as { from_step: number }[]);
    expect(starts.some((s) => s.from_step >= 150)).toBe(true); // some job really resumed from a checkpoint
    expect(Math.max(...runs.map((r) => r.claims))).toBeGreaterThan(1);
    expect(query(store, `SELECT job_id, step, COUNT(*) AS n FROM series GROUP BY job_id, step HAVING n > 1`)).toEqual([]);
    expect(checkpointsOnDisk(store).size).toBe(0);
  });

  it("SIGTERM stops cleanly: checkpoints kept, jobs handed back, exit 143 with how to resume", async () => {
    const store = tmpStore("term");
    const specPath = writeSpec(store, spec);
    const p = spawnCli(["sweep", specPath, "--store", store, "--workers", "2", "--checkpoint-every", "50"]);
    const t0 = Date.now();
    while (checkpointsOnDisk(store).size === 0 && Date.now() - t0 < 60_000) await sleep(20);
    p.child.kill("SIGTERM");
    const r = await p.done;
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/resume with: grokscale sweep .*spec\.json --store/);
    expect(query(store, `SELECT COUNT(*) AS n FROM runs WHERE status = 'running'`)).toEqual([{ n: 0 }]);
    const pending = query<{ job_id: string; last_step: number }>(store, `SELECT job_id, last_step FROM runs WHERE status = 'pending' AND last_step > 0`);
    expect(pending.length).toBeGreaterThan(0);
    const disk = checkpointsOnDisk(store);
    for (const j of pending) expect(disk.get(j.job_id)!.at(-1)).toBe(j.last_step);
  });

  it("two sweep processes on one store run each job exactly once", async () => {
    const store = tmpStore("two");
    const specPath = writeSpec(store, spec);
    const args = ["sweep", specPath, "--store", store, "--workers", "1", "--json"];
    const [a, b] = await Promise.all([spawnCli(args).done, spawnCli(args).done]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const sa = JSON.parse(a.stdout) as { ran: number };
    const sb = JSON.parse(b.stdout) as { ran: number };
    expect(sa.ran + sb.ran).toBe(JOBS);
    expect(sa.ran).toBeGreaterThan(0);
    expect(sb.ran).toBeGreaterThan(0);
    const runs = query<{ status: string; claims: number; resumes_json: string }>(store, `SELECT status, claims, resumes_json FROM runs`);
    expect(runs).toHaveLength(JOBS);
    for (const r of runs) {
      expect(r.status).toBe("done");
      expect(r.claims).toBe(1);
      expect(JSON.parse(r.resumes_json)).toHaveLength(1);
    }

    // and the other commands read the store
    const status = await spawnCli(["status", "--store", store, "--json"]).done;
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).sweeps[0]).toMatchObject({ name: "procs", total: JOBS, done: JOBS, unfinished: [] });
    const text = await spawnCli(["status", "--store", store]).done;
    expect(text.stdout).toMatch(new RegExp(`sweep procs: 2 cells, ${JOBS} jobs: ${JOBS} done`));
    const csv = await spawnCli(["export", "--format", "csv", "--table", "seeds", "--store", store]).done;
    expect(csv.code).toBe(0);
    expect(csv.stdout.trim().split("\n")).toHaveLength(JOBS + 1);
    const bad = await spawnCli(["export", "--format", "xml", "--store", store]).done;
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/xml/);
  });
});
