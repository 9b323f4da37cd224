// The queue coordinator's ETA comes from the sweep's cost model (sweep/eta.ts), fed with the step
// progress its workers report: known from the first timed steps, before any job has finished, and
// shrinking as the sweep goes on. Against a real redis-server and one worker process.
import { describe, expect, it } from "vitest";
import { runDistributedSweep } from "../../src/distributed/coordinator.js";
import type { SweepProgress } from "../../src/sweep/run.js";
import { TINY, tmpStore } from "../sweep/helpers.js";
import { HAVE_REDIS, worker, redisSuite } from "./helpers.js";

// long enough for several of the workers' progress reports (every 100 ms) per job
const spec = { name: "eta", seeds: 3, base: { ...TINY, steps: 20000, eval_every: 500, log_every: 1000, stop_on_grok: false } };

describe.skipIf(!HAVE_REDIS)("the queue's ETA", () => {
  const suite = redisSuite();

  it("is the cost model's estimate at the workers' step rate while jobs run", async () => {
    suite.procs.push(worker(suite.redis.url, "eta"));
    const events: SweepProgress[] = [];
    const store = tmpStore("eta");
    const s = await runDistributedSweep(spec, { redis: suite.redis.url, queue: "eta", store, pollMs: 50, workers: 1, onProgress: (p) => events.push(p) });
    expect(s).toMatchObject({ total: 3, ran: 3, failed: 0, left: 0 });
    const timed = events.filter((e) => e.eta_s !== null);
    expect(timed.length).toBeGreaterThan(2);
    for (const e of timed) expect(Number.isFinite(e.eta_s) && e.eta_s! >= 0).toBe(true);
    // the first estimate, with three jobs' work ahead, is more than the last, with less ahead
    expect(timed[0]!.eta_s!).toBeGreaterThan(timed[timed.length - 1]!.eta_s!);
    // known before any job finished (a rate of finished jobs would have none yet), from the steps seen
    expect(events.some((e) => e.done === 0 && e.running > 0 && e.eta_s !== null && e.eta_s > 0)).toBe(true);
  }, 120_000);
});
