// `grokscale worker --redis URL [--workers N]`: a long-running queue worker for sweeps coordinated by
// `grokscale sweep ... --redis URL`, on any machine that reaches the Redis server. Prints one line per
// job event; SIGTERM/SIGINT checkpoint the running jobs and hand them back to the queue, then exit 0
// (a second signal exits at once). The work is runQueueWorker in src/distributed/worker.ts.

import { resolve } from "node:path";
import { Command, Option } from "commander";
import { makeDir } from "../sweep/store-identity.js";
import { DEFAULT_QUEUE } from "../distributed/protocol.js";
import { runQueueWorker, type WorkerEvent } from "../distributed/worker.js";
import { intFlag } from "./options.js";

interface WorkerCliOptions {
  redis: string;
  queue: string;
  workers?: number;
  checkpointDir?: string;
  lockMs?: number;
  stalledMs?: number;
  redisTimeout?: number;
  runner?: string;
  idleNoticeMs?: number;
}

const short = (id: string): string => id.slice(0, 12);

function line(e: WorkerEvent): string {
  const at = new Date().toISOString().slice(11, 19);
  switch (e.kind) {
    case "ready":
      return `${at} worker ${e.worker} on queue ${e.queue} (Redis ${e.redisVersion}), ${e.threads} thread(s): waiting for jobs`;
    case "started":
      return `${at} job ${short(e.jobId)} ${e.label} seed ${e.seed}: ${e.fromStep > 0 ? `resumed from step ${e.fromStep}` : "started"} (${e.steps} steps)`;
    case "checkpoint":
      return `${at} job ${short(e.jobId)}: checkpoint at step ${e.step}`;
    case "done":
      return `${at} job ${short(e.jobId)} ${e.label} seed ${e.seed}: ${e.status} after ${e.steps} steps, ${e.wall_s.toFixed(1)} s`;
    case "released":
      return `${at} job ${short(e.jobId)}: stopped at step ${e.step}, checkpointed and handed back to the queue`;
    case "failed":
      return `${at} job ${short(e.jobId)} failed: ${e.message}`;
    case "warning":
      return `${at} warning: ${e.message}`;
  }
}

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("take sweep jobs from a Redis queue and train them on local threads (see `sweep --redis`)")
    .requiredOption("--redis <url>", "the Redis server of the queue, e.g. redis://HOST:6379")
    .option("--queue <name>", "queue name (the coordinator's --queue)", DEFAULT_QUEUE)
    .option("--workers <n>", "jobs trained at once, one thread each (default: one per core)", intFlag.parser("--workers"))
    .option("--checkpoint-dir <path>", "keep checkpoints in this shared folder instead of Redis")
    .option("--redis-timeout <s>", "exit with an error when Redis is unreachable this long (default 120)", intFlag.parser("--redis-timeout"))
    .addOption(new Option("--lock-ms <ms>", "job lock duration: a dead worker's job is retaken after about this").argParser(intFlag.parser("--lock-ms")).hideHelp())
    .addOption(new Option("--stalled-ms <ms>", "interval of the stalled-job check").argParser(intFlag.parser("--stalled-ms")).hideHelp())
    .addOption(new Option("--runner <module>", "job runner module (tests)").hideHelp())
    .addOption(new Option("--idle-notice-ms <ms>", "warn after this long without a job on a queue no coordinator uses").argParser(intFlag.parser("--idle-notice-ms")).hideHelp())
    .action(async (opts: WorkerCliOptions) => {
      if (opts.checkpointDir !== undefined) makeDir(resolve(opts.checkpointDir), "checkpoint folder"); // fails fast (e.g. under /proc)
      const ac = new AbortController();
      let signalled = false;
      const onSignal = (sig: NodeJS.Signals): void => {
        if (signalled) process.exit(sig === "SIGINT" ? 130 : 143); // a second signal: leave now
        signalled = true;
        process.stderr.write(`${sig}: checkpointing the running jobs and handing them back to the queue...\n`);
        ac.abort();
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      try {
        const summary = await runQueueWorker({
          redis: opts.redis,
          queue: opts.queue,
          ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
          signal: ac.signal,
          onEvent: (e) => (e.kind === "warning" ? process.stderr : process.stdout).write(`${line(e)}\n`),
          ...(opts.checkpointDir !== undefined ? { checkpointDir: opts.checkpointDir } : {}),
          ...(opts.lockMs !== undefined ? { lockMs: opts.lockMs } : {}),
          ...(opts.stalledMs !== undefined ? { stalledMs: opts.stalledMs } : {}),
          ...(opts.redisTimeout !== undefined ? { redisTimeoutMs: opts.redisTimeout * 1000 } : {}),
          ...(opts.runner !== undefined ? { runner: opts.runner } : {}),
          ...(opts.idleNoticeMs !== undefined ? { idleNoticeMs: opts.idleNoticeMs } : {}),
        });
        process.stdout.write(
          `worker ${summary.worker}: completed ${summary.completed}, handed back ${summary.released}, failed ${summary.failed}\n`,
        );
        if (summary.error !== null) throw new Error(summary.error);
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}
