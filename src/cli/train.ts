// `grokscale train`: one cell over S seeds, each independent and deterministic, trained as the paper
// trains a cell (early grokkers continued to the cell's end: train/cell-end.ts). Prints progress to
// stderr, a summary (or --json) to stdout, and with --out writes summary.json and the per-step log.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { makeDir } from "../sweep/store-identity.js";
import type { Command } from "commander";
import { resolveConfig } from "../base/config.js";
import { arenaOverflow } from "../base/limits.js";
import { trainSummary } from "../train/summary.js";
import type { RunConfig } from "../base/config.js";
import { WorkerPool } from "../sweep/pool.js";
import { continuations, continuedResult, trainCell } from "../train/cell-end.js";
import { runSeed } from "../train/trainer.js";
import type { SeedResult } from "../base/results.js";
import { addConfigOptions, intFlag, rawConfigFromOptions } from "./options.js";

const LOG_COLUMNS = ["step", "train_loss", "test_loss", "train_acc", "test_acc", "weight_norm", "logit_scale", "frac_saturated", "collapse_rate", "fourier_top5"] as const;

export function registerTrain(program: Command): void {
  const cmd = program.command("train").description("train one cell (a config) over S seeds");
  addConfigOptions(cmd);
  cmd
    .option("--seeds <n>", "number of seeds", "1")
    .option("--seed0 <n>", "first seed", "0")
    .option("--json", "print the summary as JSON on stdout")
    .option("--out <dir>", "write summary.json and log.csv there")
    .option("--workers <n>", "worker threads, one seed each (default: one per core, at most one per seed)")
    .option("--quiet", "no progress lines")
    .action(async (opts: Record<string, unknown>) => {
      const cfg = resolveConfig(rawConfigFromOptions(opts));
      const over = arenaOverflow(cfg);
      if (over !== null) throw new Error(`invalid config field "${over.field}": ${over.message}`);
      const nSeeds = intFlag("--seeds", opts["seeds"]);
      const seed0 = intFlag("--seed0", opts["seed0"], 0);
      const t0 = performance.now();
      const workers = Math.min(nSeeds, opts["workers"] === undefined ? availableParallelism() : intFlag("--workers", opts["workers"]));
      const seeds = Array.from({ length: nSeeds }, (_, i) => seed0 + i);
      const say = opts["quiet"] ? () => {} : (m: string) => void process.stderr.write(m + "\n");
      const results = workers > 1 ? await trainOnPool(cfg, seeds, workers, say) : trainHere(cfg, seeds, say);
      const summary = trainSummary(cfg, results, (performance.now() - t0) / 1000);
      if (typeof opts["out"] === "string") {
        const dir = opts["out"];
        makeDir(resolve(dir), "output folder"); // not a recursive mkdir: that never returns under /proc
        writeFileSync(join(dir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
        const lines = [["seed", ...LOG_COLUMNS, "norms"].join(",")];
        for (const r of results) for (const row of r.log) lines.push([r.seed, ...LOG_COLUMNS.map((c) => row[c]), JSON.stringify(row.norms).replace(/,/g, ";")].join(","));
        writeFileSync(join(dir, "log.csv"), lines.join("\n") + "\n");
      }
      if (opts["json"]) {
        process.stdout.write(JSON.stringify(summary) + "\n");
      } else {
        const f = (x: number | null) => (x === null ? "-" : String(x));
        process.stdout.write(
          `cell: p=${cfg.p} ${cfg.loss} rho=${cfg.rho} wc=${cfg.wc ?? "free"} tau=${cfg.tau} ${cfg.dtype}\n` +
            `grokked ${summary.n_grokked}/${summary.n_seeds}; median T_mem ${f(summary.T_mem_median)}, T_grok ${f(summary.T_grok_median)}, delay ${f(summary.delay_median)}; L at grok ${summary.L_at_grok?.toFixed(2) ?? "-"}; ${summary.wall_s.toFixed(1)} s\n`,
        );
      }
    });
}

type Say = (msg: string) => void;

const progressEvery = (cfg: RunConfig) => Math.max(cfg.eval_every, Math.round(cfg.steps / 20 / cfg.eval_every) * cfg.eval_every);
const doneLine = (r: SeedResult) => `seed ${r.seed}: ${r.status} T_mem ${r.T_mem ?? "-"} T_grok ${r.T_grok ?? "-"} (${r.steps_run} steps, ${r.wall_s.toFixed(1)} s)`;

/** Seeds one after another in this thread, then the early grokkers continued to the cell's end. */
function trainHere(cfg: RunConfig, seeds: number[], say: Say): SeedResult[] {
  const every = progressEvery(cfg);
  let lastAcc = "";
  const results = trainCell(runSeed, cfg, seeds, (s) => ({
    onLog: (r) => (lastAcc = `train ${r.train_acc.toFixed(3)} test ${r.test_acc.toFixed(3)} |W| ${r.weight_norm.toFixed(2)} L ${r.logit_scale.toFixed(2)}`),
    onProgress: (step) => {
      if (step % every === 0) say(`seed ${s}: step ${step}/${cfg.steps} ${lastAcc}`);
    },
  }));
  for (const r of results) say(doneLine(r));
  return results;
}

/** Seeds on a pool of worker threads, one seed per thread at a time; results in seed order. */
async function trainOnPool(cfg: RunConfig, seeds: number[], workers: number, say: Say): Promise<SeedResult[]> {
  const scratch = mkdtempSync(join(tmpdir(), "grokscale-train-"));
  const pool = new WorkerPool(workers);
  const every = progressEvery(cfg);
  const results = new Map<number, SeedResult>();
  try {
    const runAll = async (tasks: Array<{ seed: number; until?: number }>): Promise<void> => {
      const queue = [...tasks];
      const lane = async (): Promise<void> => {
        for (let t = queue.shift(); t !== undefined; t = queue.shift()) {
          let shown = 0;
          const seed = t.seed;
          const o = await pool.run(
            {
              jobId: `seed-${seed}`, config: cfg, seed, dir: join(scratch, String(seed)), checkpointEvery: 0,
              ...(t.until === undefined ? { keepFinal: true } : { until: t.until }),
            },
            {
              onProgress: (step) => {
                if (Math.floor(step / every) > shown) {
                  shown = Math.floor(step / every);
                  say(`seed ${seed}: step ${step}/${cfg.steps}`);
                }
              },
            },
          );
          if (o.kind !== "done") throw new Error(`seed ${seed}: ${o.kind === "error" ? o.message : "stopped"}`);
          const prev = results.get(seed);
          const r = prev && t.until !== undefined ? continuedResult(prev, o.result) : o.result;
          say(t.until === undefined ? doneLine(r) : `seed ${seed}: continued to the cell's end, step ${r.steps_run}`);
          results.set(seed, r);
        }
      };
      await Promise.all(Array.from({ length: Math.min(workers, tasks.length) }, lane));
    };
    await runAll(seeds.map((seed) => ({ seed })));
    await runAll(continuations(cfg, seeds.map((s) => results.get(s)!)));
  } finally {
    await pool.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  return seeds.map((s) => results.get(s)!);
}
