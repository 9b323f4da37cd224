// runDistributedSweep: the coordinator of a sweep spread over queue workers. It resolves the spec,
// registers it in the local store (the single writer), claims the jobs the store does not hold and
// enqueues them under their content hash (so nothing is queued twice), then collects results as they
// arrive, checks each envelope against the job it asked for, and hands the run to the sweep's record
// step (sweep/job-record.ts), as the local pool does. What is the queue's own: transport and leases.
// Stopped or killed, it loses nothing: queued jobs keep running, and the next coordinator collects
// their results. Prints nothing.

import { Queue, type Job as BullJob } from "bullmq";
import type { Redis } from "ioredis";
import { claimJob, heartbeat, ownerId, release } from "../sweep/claims.js";
import { countsOf } from "../sweep/status.js";
import { EtaModel } from "../sweep/eta.js";
import { recordJobDone, recordJobFailed, type JobStart } from "../sweep/job-record.js";
import { addLiveRows, registerSweepAsync } from "../sweep/record.js";
import { finishCells } from "../sweep/run.js";
import type { ActiveJob, SweepProgress, SweepSummary } from "../sweep/run.js";
import { resolveSweepSpec, type Job } from "../experiments/sweep-spec.js";
import { DEFAULT_STORE, openStore, type DB } from "../sweep/store.js";
import type { LogRow } from "../base/results.js";
import { codeVersion as currentCodeVersion } from "../base/version.js";
import { jobLabels, shardJobs, statusesOf, type Shard } from "./jobs.js";
import { acquireQueue, refreshLease, releaseQueue } from "./lock.js";
import {
  DEFAULT_QUEUE, JOB_NAME, ProtocolError, checkQueueName, decodeLiveRow, decodeResult, keys, makeJobData, resultMismatch,
  type QueueJobData, type QueueProgress, type StartNote,
} from "./protocol.js";
import { bullConnection, openClient, probeRedis, redactUrl } from "./redis.js";

export interface DistributedSweepOptions {
  redis: string;
  queue?: string;
  store?: string;
  /** steps between checkpoints of each job, carried in the job (default 1000) */
  checkpointEvery?: number;
  /** only this slice of the spec's jobs */
  shard?: Shard | null;
  /** local worker threads that continue complete cells' early grokkers (default: one per core) */
  workers?: number;
  /** aborting stops collecting and hands the claims back; queued jobs stay queued */
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  /** rejected results and other things a user should see */
  onNotice?: (message: string) => void;
  /** ms between looks at the queue (default 500) */
  pollMs?: number;
  /** ms between heartbeats of the store claims and the queue lease (default 5000) */
  heartbeatMs?: number;
  /** a claim silent this long is taken over (default 120000) */
  staleMs?: number;
  /** give up when Redis stays unreachable this long (default 60000) */
  redisTimeoutMs?: number;
  /** results rejected for one job before it is marked failed (default 3) */
  maxRejections?: number;
  codeVersion?: string;
}

export interface DistributedSummary extends SweepSummary {
  queue: string;
  redis: string;
  shard: string | null;
  /** results refused: not asked for, undecodable, or for another config or seed */
  rejected: { jobId: string; reason: string }[];
  /** set when Redis lost the queue's state (restarted empty, flushed): what happened */
  lost?: string;
}

interface InFlight {
  job: Job;
  label: string;
  data: QueueJobData;
  rejections: number;
}

class LeaseLost extends Error {}
class QueueStateLost extends Error {}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/** Runs (or resumes) a sweep through the queue; resolves when nothing of it is left to collect. */
export async function runDistributedSweep(spec: unknown, opts: DistributedSweepOptions): Promise<DistributedSummary> {
  const sweep = resolveSweepSpec(spec); // a bad spec throws before Redis or the store are touched
  const queueName = checkQueueName(opts.queue ?? DEFAULT_QUEUE);
  await probeRedis(opts.redis); // unreachable: a clear error now, and no store file written
  const storePath = opts.store ?? DEFAULT_STORE;
  const version = opts.codeVersion ?? currentCodeVersion();
  const owner = ownerId();
  const t0 = Date.now();
  let connError = "";
  const client = openClient(opts.redis, (err) => (connError = err.message));
  await client.connect();
  let queue: Queue | null = null;
  let db: DB | null = null;
  try {
    await acquireQueue(client, queueName, owner);
    db = openStore(storePath);
    await registerSweepAsync(db, sweep, version, opts.signal);
    const jobs = shardJobs(sweep, opts.shard);
    const done0 = countsOf(db, jobs.map((j) => j.jobId)).done;
    const summary: DistributedSummary = {
      sweep: sweep.name, store: storePath, total: jobs.length, already_done: done0, ran: 0, grokked: 0, censored: 0,
      diverged: 0, failed: 0, left: jobs.length - done0, interrupted: false, wall_s: 0, errors: [],
      queue: queueName, redis: redactUrl(opts.redis), shard: opts.shard ? `${opts.shard.index}/${opts.shard.count}` : null, rejected: [],
    };
    if (done0 < jobs.length && !opts.signal?.aborted) {
      queue = new Queue(queueName, { connection: bullConnection(opts.redis, 2) });
      queue.on("error", (err) => (connError = err.message)); // the cause, for the message if Redis stays away
      try {
        await collectLoop({ db, queue, client, jobs, summary, owner, t0, queueName, labels: jobLabels(sweep), opts, cause: () => connError });
      } catch (err) {
        if (!(err instanceof QueueStateLost)) throw err;
        summary.lost = err.message; // the store is consistent (claims handed back); the caller says how to resume
        summary.interrupted = true;
      }
    } else summary.interrupted = opts.signal?.aborted === true && done0 < jobs.length;
    const after = countsOf(db, jobs.map((j) => j.jobId));
    summary.left = jobs.length - after.done;
    // the early grokkers of complete cells, continued to the cell's end here (their final state
    // stays with the workers, so from step 0: the same bits, at the cost of the steps before grok)
    if (!summary.interrupted && !opts.shard) {
      await finishCells(db, sweep.name, summary, { storePath, ...(opts.workers ? { workers: opts.workers } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    }
    summary.wall_s = (Date.now() - t0) / 1000;
    return summary;
  } finally {
    const quiet = <T>(p: Promise<T>): Promise<unknown> => withTimeout(p, 3000).catch(() => {});
    if (queue) await quiet(queue.close());
    await quiet(releaseQueue(client, queueName, owner));
    client.disconnect();
    db?.close();
  }
}

interface LoopCtx {
  db: DB;
  queue: Queue;
  client: Redis;
  jobs: Job[];
  summary: DistributedSummary;
  owner: string;
  t0: number;
  queueName: string;
  labels: Map<string, string>;
  opts: DistributedSweepOptions;
  /** the last connection error seen, if any */
  cause: () => string;
}

async function collectLoop(c: LoopCtx): Promise<void> {
  const { db, queue, client, summary, owner, opts } = c;
  const ids = c.jobs.map((j) => j.jobId);
  const inflight = new Map<string, InFlight>();
  const active = new Map<string, ActiveJob>();
  /** per running job: how many of its pushed live rows are in the store */
  const liveSeen = new Map<string, number>();
  // the ETA: the cost model's expected steps for what is queued here, at the step rate the workers show (sweep/eta.ts)
  const eta = new EtaModel(1);
  let slots = 0;
  const pollMs = opts.pollMs ?? 500;
  const beatMs = opts.heartbeatMs ?? 5000;
  const maxRejections = opts.maxRejections ?? 3;
  const notice = (m: string): void => {
    try {
      opts.onNotice?.(m);
    } catch {
      /* display errors must not stop the sweep */
    }
  };
  const jobOpts = (id: string) => ({ jobId: id, attempts: 1, removeOnComplete: false, removeOnFail: false });
  const enqueue = async (list: InFlight[]): Promise<void> => {
    for (let i = 0; i < list.length; i += 200) {
      await queue.addBulk(list.slice(i, i + 200).map((f) => ({ name: JOB_NAME, data: f.data, opts: jobOpts(f.job.jobId) })));
    }
  };
  /** Claims every claimable job of the subset and queues it (a job already in the queue stays as it is). */
  const claimAndEnqueue = async (): Promise<void> => {
    const statuses = statusesOf(db, ids);
    const fresh: InFlight[] = [];
    for (const job of c.jobs) {
      if (inflight.has(job.jobId) || statuses.get(job.jobId) === "done") continue;
      if (!claimJob(db, job.jobId, { owner, staleMs: opts.staleMs ?? 120_000 })) continue;
      const label = c.labels.get(job.jobId) ?? job.cellId.slice(0, 12);
      const f = { job, label, data: makeJobData(job, opts.checkpointEvery ?? 1000, summary.sweep, label), rejections: 0 };
      inflight.set(job.jobId, f);
      fresh.push(f);
    }
    await enqueue(fresh);
  };
  const dropExtras = async (jobId: string): Promise<void> => {
    liveSeen.delete(jobId);
    await client.del(keys.checkpoint(c.queueName, jobId), keys.starts(c.queueName, jobId), keys.live(c.queueName, jobId));
  };
  /** Copies the running jobs' newly pushed rows into the store's live rows (recording clears them). */
  const pullLive = async (): Promise<void> => {
    const rows: { jobId: string; row: LogRow }[] = [];
    for (const jobId of active.keys()) {
      const seen = liveSeen.get(jobId) ?? 0;
      const got = await client.lrange(keys.live(c.queueName, jobId), seen, seen + 999);
      liveSeen.set(jobId, seen + got.length);
      for (const text of got) {
        const row = decodeLiveRow(text);
        if (row !== null) rows.push({ jobId, row });
      }
    }
    addLiveRows(db, rows.filter((r) => inflight.has(r.jobId)));
  };
  const reject = async (bj: BullJob, reason: string): Promise<void> => {
    const id = String(bj.id);
    summary.rejected.push({ jobId: id, reason });
    notice(`rejected a result for job ${id.slice(0, 12)}: ${reason}`);
    await bj.remove();
    const f = inflight.get(id);
    if (!f) return;
    await dropExtras(id); // its checkpoint may be as untrustworthy as its result: start over
    eta.finish(id, null);
    if (++f.rejections >= maxRejections) {
      inflight.delete(id);
      recordJobFailed(db, summary, id, owner, `${f.rejections} results rejected; last: ${reason}`);
      return;
    }
    await enqueue([f]);
  };

  const onCompleted = async (bj: BullJob): Promise<void> => {
    const id = String(bj.id);
    const f = inflight.get(id);
    if (!f) {
      if (statusesOf(db, [id]).get(id) === "done") {
        await bj.remove(); // recorded by an earlier coordinator that stopped before cleaning up
        await dropExtras(id);
        return;
      }
      return reject(bj, "not asked for: this store has no claimed job with this id");
    }
    let r: ReturnType<typeof decodeResult>;
    try {
      r = decodeResult(bj.returnvalue);
    } catch (err) {
      return reject(bj, err instanceof ProtocolError ? err.message : String(err));
    }
    const why = resultMismatch(r, { jobId: id, configHash: f.data.configHash, seed: f.job.seed });
    if (why !== null) return reject(bj, why);
    const starts = (await client.lrange(keys.starts(c.queueName, id), 0, -1)).flatMap((s): JobStart[] => {
      try {
        const n = JSON.parse(s) as StartNote;
        return [{ owner: String(n.owner), fromStep: Number(n.from_step) || 0, rejected: Array.isArray(n.rejected) ? n.rejected : [] }];
      } catch {
        return [];
      }
    });
    const rec = recordJobDone(db, summary, f.job, owner, r.result, r.codeVersion, starts);
    if (rec.kind === "rejected") return reject(bj, rec.reason);
    if (rec.kind === "lost") notice(`job ${id.slice(0, 12)}: result not recorded, this coordinator lost its claim to another process`);
    eta.finish(id, rec.kind === "recorded" ? r.result.steps_run : null);
    inflight.delete(id);
    active.delete(id);
    await dropExtras(id);
    await bj.remove();
  };

  const onFailed = async (bj: BullJob): Promise<void> => {
    const id = String(bj.id);
    const f = inflight.get(id);
    await bj.remove();
    if (!f) return;
    if ((bj.finishedOn ?? 0) < c.t0) {
      await enqueue([f]); // failed before this invocation: retried, as a local sweep retries failed jobs
      return;
    }
    inflight.delete(id);
    active.delete(id);
    eta.finish(id, null);
    recordJobFailed(db, summary, id, owner, bj.failedReason || "failed without a reason");
  };

  const report = async (now: number): Promise<void> => {
    const act = (await queue.getJobs(["active"], 0, 999)) as BullJob[];
    active.clear();
    for (const bj of act) {
      const f = inflight.get(String(bj.id));
      if (!f) continue;
      const p = (bj.progress ?? {}) as Partial<QueueProgress>;
      const a = {
        jobId: f.job.jobId, label: f.label, seed: f.job.seed, step: Number(p.step) || 0, steps: f.job.config.steps, fromStep: Number(p.fromStep) || 0,
      };
      active.set(a.jobId, a);
      if (typeof p.step !== "number") continue; // the worker has not reported a step yet
      // the worker's first report starts the job's clock (start-up is not steps); later ones time its steps
      if (!eta.has(a.jobId)) eta.start(a.jobId, f.job.config, a.step);
      eta.progress(a.jobId, a.step, now / 1000);
    }
    slots = Math.max(slots, active.size); // the workers serving the queue, as many as ever ran at once
    if (!opts.onProgress) return;
    const counts = countsOf(db, ids);
    const elapsed = (now - c.t0) / 1000;
    const rest = summary.total - counts.done - counts.failed;
    const pending = [...inflight.values()].filter((f) => !active.has(f.job.jobId)).map((f) => f.job.config);
    try {
      opts.onProgress({
        sweep: summary.sweep, total: summary.total, done: counts.done, failed: counts.failed, running: active.size,
        left: rest - active.size, active: [...active.values()], elapsed_s: elapsed,
        eta_s: eta.eta(pending, Math.max(1, slots)),
      });
    } catch {
      /* a failing display must not stop the sweep */
    }
  };

  const limitMs = opts.redisTimeoutMs ?? 60_000;
  let lastOk = Date.now();
  let lastBeat = Date.now();
  let lastError = "";
  const releaseAll = (): void => {
    for (const id of inflight.keys()) release(db, id, owner, null);
  };
  try {
    await claimAndEnqueue();
    for (;;) {
      if (opts.signal?.aborted) {
        summary.interrupted = true;
        break;
      }
      try {
        await withTimeout(
          (async () => {
            for (const bj of (await queue.getJobs(["completed"], 0, 199, true)) as BullJob[]) await onCompleted(bj);
            for (const bj of (await queue.getJobs(["failed"], 0, 199, true)) as BullJob[]) await onFailed(bj);
            const now = Date.now();
            if (now - lastBeat >= beatMs || inflight.size === 0) {
              lastBeat = now;
              heartbeat(db, owner, [...active.values()].map((a) => ({ jobId: a.jobId, step: a.step })), now);
              const lease = await refreshLease(client, c.queueName, owner);
              if (lease === "taken") throw new LeaseLost(`lost the coordinator lease on queue "${c.queueName}" (another coordinator took it over)`);
              if (lease === "missing") {
                // the lease key is gone: Redis lost its data if the queued jobs are gone too; else it only lapsed
                const ids = [...inflight.keys()].slice(0, 50);
                const present = await Promise.all(ids.map((id) => queue.getJob(id).then((j) => j !== undefined && j !== null)));
                if (ids.length > 0 && !present.some(Boolean)) {
                  throw new QueueStateLost(
                    `Redis lost the state of queue "${c.queueName}" (restarted empty or flushed): ${inflight.size} queued job(s) are gone`,
                  );
                }
                await acquireQueue(client, c.queueName, owner);
              }
              await claimAndEnqueue(); // claims that lapsed elsewhere, and jobs of a finished neighbour
            }
            await report(now);
            await pullLive();
          })(),
          Math.max(limitMs, 5000),
        );
        lastOk = Date.now();
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
        if (err instanceof LeaseLost || err instanceof QueueStateLost) throw err;
        // Redis or the store is unavailable: retry, and give up when it lasts
        if (Date.now() - lastOk > limitMs) {
          const why = client.status === "ready" ? lastError : c.cause() || lastError;
          throw new Error(`no progress for ${Math.round(limitMs / 1000)} s talking to Redis at ${redactUrl(opts.redis)}: ${why}`);
        }
      }
      if (inflight.size === 0) break;
      await sleep(pollMs, opts.signal);
    }
  } finally {
    releaseAll(); // unfinished jobs go back to pending in the store; they stay queued in Redis
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(t);
  }
}
