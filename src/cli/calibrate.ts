// `grokscale calibrate`: runs the free control (no clamp, λ = 1) as one cell, until its last seed
// groks, and prints train/calibrate.ts's w_c (median ‖W‖ there over grokked seeds), θ0 and the base
// fractions (f_E, f_W1, f_W2) that the allocation clamp (γ) takes.

import type { Command } from "commander";
import { resolveConfig } from "../base/config.js";
import { calibrate } from "../train/calibrate.js";
import { addConfigOptions, intFlag, rawConfigFromOptions } from "./options.js";

export function registerCalibrate(program: Command): void {
  const cmd = program.command("calibrate").description("run the free control and print the reference norm w_c");
  addConfigOptions(cmd);
  cmd
    .option("--seeds <n>", "number of seeds", "4")
    .option("--seed0 <n>", "first seed", "0")
    .option("--json", "print JSON")
    .action((opts: Record<string, unknown>) => {
      const raw = rawConfigFromOptions(opts);
      if (raw["wc"] !== undefined && raw["wc"] !== null) throw new Error(`calibrate runs the free control: do not pass --wc (got ${raw["wc"]})`);
      const cfg = resolveConfig(raw);
      const seeds = intFlag("--seeds", opts["seeds"]);
      const seed0 = intFlag("--seed0", opts["seed0"], 0);
      const c = calibrate(cfg, seeds, seed0, (msg) => process.stderr.write(msg + "\n"));
      if (opts["json"]) process.stdout.write(JSON.stringify(c) + "\n");
      else {
        const f = c.base_frac ? c.base_frac.map((x) => x.toFixed(4)).join(", ") : "-";
        process.stdout.write(`w_c = ${c.wc?.toFixed(4) ?? "undefined (no seed grokked)"}  theta0 = ${c.theta0?.toFixed(4) ?? "-"}  (f_E, f_W1, f_W2) = (${f}) at step ${c.frac_step ?? "-"}  (${c.n_grokked}/${c.seeds.length} seeds grokked)\n`);
      }
    });
}
