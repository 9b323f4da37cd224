// The dashboard against a store that is being written: /api/live streams a running job's new live
// rows as server-sent events, each row once, filters by job, and says when the job is recorded; the
// run endpoints serve live rows while a job runs; and every endpoint keeps answering 200 while a real
// sweep (worker threads, heartbeats, recording) writes the same store.
import { get as httpGet, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, startServer } from "../../src/dashboard/server.js";
import { addLiveRows } from "../../src/sweep/record.js";
import { runSweep } from "../../src/sweep/run.js";
import { openStore } from "../../src/sweep/store.js";
import type { LogRow } from "../../src/base/results.js";
import { ensureBuilt } from "../sweep/helpers.js";
import { FIXTURE_SPEC, cleanup, copyStore, fixtureStore, sleep } from "./helpers.js";

let fixture: string;
beforeAll(async () => {
  ensureBuilt();
  fixture = await fixtureStore();
});
afterAll(cleanup);

interface Ev {
  event: string;
  data: any;
}

/** Opens an SSE stream and collects its events. */
function listen(url: string): Promise<{ events: Ev[]; res: IncomingMessage; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, (res) => {
      const events: Ev[] = [];
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      });
      resolve({ events, res, close: () => req.destroy() });
    });
    req.on("error", reject);
  });
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const row = (step: number): LogRow => ({
  step, train_loss: 1 / step, test_loss: 2 / step, train_acc: 0.5, test_acc: 0.25, weight_norm: 20, norms: { E: 10, W1: 12, W2: 11 },
  logit_scale: 5 + step / 100, frac_saturated: 0, collapse_rate: Number.NaN, fourier_top5: 0.3,
});

describe("live rows", () => {
  it("streams a running job's new rows once each, filters by job, and ends with done", async () => {
    const store = copyStore(fixture, "sse");
    const w = openStore(store);
    const [job, other] = w.prepare(`SELECT job_id, cell_id FROM runs ORDER BY job_id LIMIT 2`).all() as { job_id: string; cell_id: string }[];
    w.prepare(`UPDATE runs SET status = 'running', result = NULL, last_step = 0, heartbeat = ? WHERE job_id = ?`).run(Date.now(), job!.job_id);
    const d = await startServer({ store, port: 0, pollMs: 100 });
    try {
      expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const all = await listen(`${d.url}api/live`);
      const filtered = await listen(`${d.url}api/live?job=${other!.job_id}`);
      expect(all.res.headers["content-type"]).toContain("text/event-stream");
      await until("the job list", () => all.events.some((e) => e.event === "jobs" && e.data.jobs.some((j: any) => j.job_id === job!.job_id)));

      addLiveRows(w, [25, 50, 75].map((s) => ({ jobId: job!.job_id, row: row(s) })));
      const steps = () => all.events.filter((e) => e.event === "rows" && e.data.job_id === job!.job_id).flatMap((e) => e.data.rows.map((r: any) => r.step));
      await until("the first rows", () => steps().length === 3);
      addLiveRows(w, [100, 125].map((s) => ({ jobId: job!.job_id, row: row(s) })));
      await until("more rows", () => steps().length === 5);
      await sleep(350); // a few more polls: nothing is sent twice
      expect(steps()).toEqual([25, 50, 75, 100, 125]);
      const first = all.events.find((e) => e.event === "rows")!.data.rows[0];
      expect(first).toMatchObject({ step: 25, logit_scale: 5.25, collapse_rate: null, norms: { E: 10 } });

      // the run endpoints serve the live rows while it runs
      const run = (await d.app.inject({ url: `/api/runs/${job!.job_id}/series` })).json();
      expect(run).toMatchObject({ status: "running", source: "live" });
      expect(run.rows.map((r: any) => r.step)).toEqual([25, 50, 75, 100, 125]);
      const cell = (await d.app.inject({ url: `/api/cells/${job!.cell_id}/series` })).json();
      expect(cell.seeds.find((s: any) => s.job_id === job!.job_id).source).toBe("live");

      // a client that joins now gets the backlog at once
      const late = await listen(`${d.url}api/live?job=${job!.job_id}`);
      await until("the backlog", () => late.events.some((e) => e.event === "rows"));
      expect(late.events.filter((e) => e.event === "rows").flatMap((e) => e.data.rows.map((r: any) => r.step))).toEqual([25, 50, 75, 100, 125]);

      // recorded: the live rows go, the run is done
      w.transaction(() => {
        w.prepare(`DELETE FROM live WHERE job_id = ?`).run(job!.job_id);
        w.prepare(`UPDATE runs SET status = 'done', result = 'grokked' WHERE job_id = ?`).run(job!.job_id);
      })();
      await until("done", () => all.events.some((e) => e.event === "done" && e.data.job_id === job!.job_id));
      expect(filtered.events.some((e) => e.event === "rows" || e.event === "done")).toBe(false);
      all.close();
      filtered.close();
      await until("the hub to drop closed clients", () => d.hub.size === 1);
      late.close();
      await until("no clients", () => d.hub.size === 0);
    } finally {
      w.close();
      await d.app.close();
    }
  });

  it("keeps answering while a real sweep writes the same store", async () => {
    const store = copyStore(fixture, "busy");
    const d = await buildServer({ store, resamples: 100, pollMs: 100, analysisMinAgeMs: 0 });
    const spec = {
      name: "more",
      experiment: "mediation",
      seeds: 2,
      base: { ...FIXTURE_SPEC.base, steps: 400 },
      cells: [{ arm: "up", tau: 1.25, label: "tau 1.25" }, { arm: "up", tau: 1.75, label: "tau 1.75" }],
    };
    let finished = false;
    const sweep = runSweep(spec, { store, workers: 2, heartbeatMs: 100 }).finally(() => (finished = true));
    const urls = ["/api/sweeps", "/api/cells", "/api/live/jobs", "/api/analysis"];
    const codes = new Map<number, number>();
    let sawRunning = false;
    let n = 0;
    try {
      while (!finished) {
        for (const url of urls) {
          const r = await d.app.inject({ url });
          codes.set(r.statusCode, (codes.get(r.statusCode) ?? 0) + 1);
          if (url === "/api/live/jobs" && r.json().jobs.length > 0) sawRunning = true;
          n++;
        }
        await sleep(25);
      }
      const summary = await sweep;
      expect(summary).toMatchObject({ ran: 4, failed: 0, left: 0 });
      expect([...codes.keys()]).toEqual([200]);
      expect(n).toBeGreaterThan(8);
      expect(sawRunning).toBe(true);
      const cells = (await d.app.inject({ url: "/api/cells?sweep=more" })).json().cells;
      expect(cells.map((c: any) => c.jobs.done)).toEqual([2, 2]);
      expect(cells.every((c: any) => c.stats !== null)).toBe(true);
    } finally {
      await sweep.catch(() => undefined);
      await d.app.close();
    }
  });
});
