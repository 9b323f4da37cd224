// `grokscale sweep SPEC.json | --preset NAME`: runs a sweep on a local pool of worker threads with a
// progress display (a live bar on a terminal, plain lines otherwise), and turns SIGINT/SIGTERM into a
// clean stop (checkpoints kept, jobs handed back, exit non-zero with how to resume). The work itself
// is runSweep in src/sweep/run.ts; this file reads the spec, draws, and prints.

import { existsSync } from "node:fs";
import { Command, Option } from "commander";
import cliProgress from "cli-progress";
import { runSweep, type SweepProgress, type SweepSummary } from "../sweep/run.js";
import { RegistrationAborted } from "../sweep/record.js";
import { presetSpecs } from "../sweep/preset.js";
import { SpecError } from "../experiments/spec-error.js";
import { checkSweepSize, DEFAULT_MAX_CELLS, DEFAULT_MAX_JOBS } from "../experiments/spec-limits.js";
import { readJsonFile } from "./json-file.js";
import { DEFAULT_STORE } from "../sweep/store.js";
import { runDistributedSweep, type DistributedSummary } from "../distributed/coordinator.js";
import { parseShard } from "../distributed/jobs.js";
import { runShard } from "../distributed/local.js";
import type { RunSweepOptions } from "../sweep/run.js";
import { intFlag } from "./options.js";

interface SweepCliOptions {
  preset?: string;
  store: string;
  workers?: number;
  checkpointEvery: number;
  json?: boolean;
  runner?: string;
  redis?: string;
  queue?: string;
  shard?: string;
  pollMs?: number;
  redisTimeout?: number;
  maxCells: number;
  maxJobs: number;
}

export const readSpec = (path: string): unknown => readJsonFile(path, "sweep spec");

/** fn(), its SpecError turned into one line naming the spec it came from (a file or a preset). */
export function atSpec<T>(source: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SpecError) throw new Error(`sweep spec ${source}: ${err.message.replace(/^\(spec\): /, "")}`);
    throw err;
  }
}

/** A duration as 42s, 7m05s or 8h00m: rounded to its last unit first, so 59.6 s is 1m00s, never 0m60s. */
export const fmtTime = (s: number | null): string => {
  if (s === null || !Number.isFinite(s)) return "?";
  const sec = Math.round(s);
  if (sec < 60) return `${sec}s`;
  if (sec < 3600) return `${Math.floor(sec / 60)}m${String(sec % 60).padStart(2, "0")}s`;
  const min = Math.round(s / 60);
  return `${Math.floor(min / 60)}h${String(min % 60).padStart(2, "0")}m`;
};

const stepsOf = (p: SweepProgress): string =>
  p.active.map((a) => `${a.label}#${a.seed}@${a.step}/${a.steps}`).join("  ");

/** A live bar on a terminal, or a plain line per change of the done count (and every 30 s). */
export function makeDisplay(stream: NodeJS.WriteStream): { update: (p: SweepProgress) => void; stop: () => void } {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: "{bar} {value}/{total} done | running {running} | left {left} | ETA {etaf} | {steps}",
        hideCursor: true,
        barsize: 24,
        fps: 5,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update: (p) => {
        const width = Math.max(20, (stream.columns ?? 100) - 80);
        const payload = { running: p.running, left: p.left, etaf: fmtTime(p.eta_s), steps: stepsOf(p).slice(0, width) };
        if (!started) {
          bar.start(p.total, p.done, payload);
          started = true;
        } else bar.update(p.done, payload);
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  let lastDone = -1;
  let lastAt = 0;
  return {
    update: (p) => {
      const now = Date.now();
      if (p.done === lastDone && now - lastAt < 30_000) return;
      lastDone = p.done;
      lastAt = now;
      stream.write(
        `[${fmtTime(p.elapsed_s)}] ${p.done}/${p.total} done, ${p.running} running, ${p.left} left, ETA ${fmtTime(p.eta_s)}` +
          `${p.active.length ? ` | ${stepsOf(p)}` : ""}\n`,
      );
    },
    stop: () => {},
  };
}

function summaryText(s: SweepSummary): string {
  const lines = [
    `sweep ${s.sweep}: ${s.total} jobs, ${s.already_done} already done, ran ${s.ran} ` +
      `(grokked ${s.grokked}, censored ${s.censored}, diverged ${s.diverged}), failed ${s.failed}, left ${s.left}, ` +
      `${s.extended ? `continued ${s.extended} early grokkers to their cell's end, ` : ""}in ${fmtTime(s.wall_s)}; store ${s.store}`,
  ];
  for (const e of s.errors) lines.push(`  job ${e.jobId.slice(0, 12)} failed: ${e.message.split("\n")[0]}`);
  return lines.join("\n");
}

export function registerSweep(program: Command): void {
  program
    .command("sweep")
    .description("run a sweep (cells x seeds) on local worker threads; resumable, idempotent")
    .argument("[spec]", "sweep spec JSON file (or a preset's name)")
    .option("--preset <name>", "run a study preset instead of a spec file: quick, paper, or SCALE/EXPERIMENT (quick/E2)")
    .option("--store <path>", "results store (SQLite file)", DEFAULT_STORE)
    .option("--workers <n>", "worker threads (default: one per core)", intFlag.parser("--workers"))
    .option("--checkpoint-every <k>", "steps between checkpoints of each job", intFlag.parser("--checkpoint-every"), 1000)
    .option("--json", "print the summary as JSON (progress goes to stderr)")
    .addOption(new Option("--runner <module>", "job runner module (tests)").hideHelp())
    .option("--redis <url>", "coordinate: queue the jobs on this Redis server for `grokscale worker`s and collect the results")
    .option("--queue <name>", "with --redis: the queue name (one coordinating sweep per queue)")
    .option("--shard <I/N>", "run only slice I of N (0-based) of the jobs, for array jobs; merge the stores with `grokscale merge`")
    .addOption(new Option("--poll-ms <ms>", "with --redis: ms between looks at the queue").argParser(intFlag.parser("--poll-ms")).hideHelp())
    .option("--redis-timeout <s>", "with --redis: exit with an error when Redis is unreachable this long (default 60)", intFlag.parser("--redis-timeout"))
    .option("--max-cells <n>", "refuse a spec with more cells than this", intFlag.parser("--max-cells"), DEFAULT_MAX_CELLS)
    .option("--max-jobs <n>", "refuse a spec with more jobs (cells x seeds) than this", intFlag.parser("--max-jobs"), DEFAULT_MAX_JOBS)
    .action(async (specPath: string | undefined, opts: SweepCliOptions) => {
      if ((specPath === undefined) === (opts.preset === undefined)) {
        throw new Error("sweep: give either a spec file or --preset NAME");
      }
      // a bare name that is not a file is a preset: `grokscale sweep quick`
      if (specPath !== undefined && !existsSync(specPath) && !/\.json$/i.test(specPath)) {
        opts.preset = specPath;
        specPath = undefined;
      }
      const specs: { source: string; spec: unknown }[] =
        opts.preset !== undefined
          ? presetSpecs(opts.preset).map((e) => ({ source: `preset ${opts.preset} (${e.id}: ${e.spec.name})`, spec: e.spec }))
          : [{ source: specPath!, spec: readSpec(specPath!) }];
      for (const { source, spec } of specs) {
        atSpec(source, () => checkSweepSize(spec, { maxCells: opts.maxCells, maxJobs: opts.maxJobs })); // counted, not built: refused up front
      }
      const again = opts.preset !== undefined ? `--preset ${opts.preset}` : specPath;
      const shard = opts.shard !== undefined ? parseShard(opts.shard) : null;
      if (opts.redis === undefined && (opts.queue !== undefined || opts.redisTimeout !== undefined)) {
        throw new Error("sweep: --queue and --redis-timeout go with --redis URL");
      }
      if (opts.redis !== undefined && opts.workers !== undefined) {
        throw new Error("sweep: --workers has no effect with --redis; start `grokscale worker --redis URL --workers N` processes instead");
      }
      const where =
        (opts.redis !== undefined ? ` --redis ${opts.redis}${opts.queue !== undefined ? ` --queue ${opts.queue}` : ""}` : "") +
        (opts.shard !== undefined ? ` --shard ${opts.shard}` : "");
      const runOne = (spec: unknown, o: RunSweepOptions): Promise<SweepSummary> =>
        opts.redis !== undefined
          ? runDistributedSweep(spec, {
              ...o,
              redis: opts.redis,
              shard,
              onNotice: (m) => process.stderr.write(`${m}\n`),
              ...(opts.queue !== undefined ? { queue: opts.queue } : {}),
              ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
              ...(opts.redisTimeout !== undefined ? { redisTimeoutMs: opts.redisTimeout * 1000 } : {}),
            })
          : shard !== null
            ? runShard(spec, { ...o, shard })
            : runSweep(spec, o);
      const out = opts.json ? process.stderr : process.stdout;
      const ac = new AbortController();
      let signal: NodeJS.Signals | null = null;
      const onSignal = (sig: NodeJS.Signals): void => {
        if (signal !== null) process.exit(sig === "SIGINT" ? 130 : 143); // a second signal: leave now
        signal = sig;
        out.write(`\n${sig}: stopping; ${opts.redis !== undefined ? "queued jobs stay queued" : "each running job saves a checkpoint"}...\n`);
        ac.abort();
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      const summaries: SweepSummary[] = [];
      try {
        for (const { source, spec } of specs) {
          if (specs.length > 1 && !opts.json) out.write(`${source}\n`);
          const display = makeDisplay(out);
          try {
            summaries.push(
              await runOne(spec, {
                store: opts.store,
                checkpointEvery: opts.checkpointEvery,
                signal: ac.signal,
                onProgress: display.update,
                onNotice: (m: string) => process.stderr.write(`${m}\n`),
                ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
                ...(opts.runner !== undefined ? { runner: opts.runner } : {}),
              }),
            );
          } catch (err) {
            if (err instanceof SpecError) throw new Error(`sweep spec ${source}: ${err.message}`);
            if (err instanceof RegistrationAborted) {
              process.stderr.write(`${err.message}; run it again with: grokscale sweep ${again} --store ${opts.store}${where}\n`);
              process.exitCode = signal === "SIGTERM" ? 143 : 130;
              return;
            }
            throw err;
          } finally {
            display.stop();
          }
          if (!opts.json) process.stdout.write(`${summaryText(summaries.at(-1)!)}\n`);
          const rejected = (summaries.at(-1) as Partial<DistributedSummary>).rejected ?? [];
          if (!opts.json && rejected.length > 0) process.stdout.write(`  rejected ${rejected.length} result(s) from the queue\n`);
          if (summaries.at(-1)!.interrupted) break;
        }
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(summaries.length === 1 ? summaries[0] : summaries)}\n`);
      const lost = summaries.map((x) => (x as Partial<DistributedSummary>).lost).find((m) => m !== undefined);
      if (lost !== undefined) {
        const left = summaries.at(-1)!.left;
        process.stderr.write(
          `${lost}; ${left} job(s) of the sweep are unfinished (finished results are safe in ${opts.store}); ` +
            `queue them again with: grokscale sweep ${again} --store ${opts.store}${where}\n`,
        );
        process.exitCode = 1;
      } else if (summaries.some((x) => x.interrupted)) {
        process.stderr.write(
          opts.redis !== undefined
            ? `interrupted: queued jobs stay queued and keep running on the workers; collect them with: grokscale sweep ${again} --store ${opts.store}${where}\n`
            : `interrupted: unfinished jobs keep their checkpoints; resume with: grokscale sweep ${again} --store ${opts.store}${where}\n`,
        );
        process.exitCode = signal === "SIGTERM" ? 143 : 130;
      } else if (summaries.some((x) => x.failed > 0)) {
        process.exitCode = 1;
      }
    });
}
