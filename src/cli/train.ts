// `grokscale train`: one cell over S seeds, each independent and deterministic. Prints progress to
// stderr, a summary (or --json) to stdout, and with --out writes summary.json and the per-step log.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { resolveConfig } from "../experiments/config.js";
import { summarizeCell } from "../train/summary.js";
import { runSeed } from "../train/trainer.js";
import type { SeedResult } from "../train/types.js";
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
    .option("--quiet", "no progress lines")
    .action((opts: Record<string, unknown>) => {
      const cfg = resolveConfig(rawConfigFromOptions(opts));
      const nSeeds = intFlag("--seeds", opts["seeds"]);
      const seed0 = intFlag("--seed0", opts["seed0"], 0);
      const t0 = performance.now();
      const results: SeedResult[] = [];
      for (let s = seed0; s < seed0 + nSeeds; s++) {
        const every = Math.max(cfg.eval_every, Math.round(cfg.steps / 20 / cfg.eval_every) * cfg.eval_every);
        let lastAcc = "";
        const out = runSeed(cfg, s, {
          onLog: (r) => (lastAcc = `train ${r.train_acc.toFixed(3)} test ${r.test_acc.toFixed(3)} |W| ${r.weight_norm.toFixed(2)} L ${r.logit_scale.toFixed(2)}`),
          onProgress: (step) => {
            if (!opts["quiet"] && step % every === 0) process.stderr.write(`seed ${s}: step ${step}/${cfg.steps} ${lastAcc}\n`);
          },
        });
        if (out.stopped) throw new Error("training stopped unexpectedly");
        const r = out.result;
        results.push(r);
        if (!opts["quiet"]) process.stderr.write(`seed ${s}: ${r.status} T_mem ${r.T_mem ?? "-"} T_grok ${r.T_grok ?? "-"} (${r.steps_run} steps, ${r.wall_s.toFixed(1)} s)\n`);
      }
      const summary = summarizeCell(cfg, results, (performance.now() - t0) / 1000);
      if (typeof opts["out"] === "string") {
        const dir = opts["out"];
        mkdirSync(dir, { recursive: true });
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
