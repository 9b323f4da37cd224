// `grokscale bench`: throughput of the full training step (ms per seed-step, evaluation amortised) for
// the MLP at p = 59 and 97, f32 and f64, on one worker and on all cores; GEMM GFLOP/s on the step's
// shapes; and, when python3 has torch, the paper-style PyTorch step measured in the same run, with
// the ratios; the step profile (where a step's time goes); and the CPU it ran on. Each throughput is
// measured in several windows (min/median/max). Timings are for comparison within one run only.

import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { cpuInfo, describeCpu } from "../bench/cpu.js";
import { wasmStackChecksDropped } from "./v8-flags.js";
import { benchGemm, mlpGemmShapes, type GemmResult } from "../bench/gemm.js";
import { throughput } from "../bench/pool.js";
import { PROFILE_CATEGORIES, profileSteps, type StepProfile } from "../bench/profile.js";
import type { Spread } from "../bench/windows.js";
import { runTorchScript, TORCH_PAPER_SCRIPT, torchAvailable, type TorchRow } from "../bench/torch.js";
import { benchTransformer, TORCH_TRANSFORMER_CASES, torchTransformerRows } from "../bench/transformer.js";
import type { DType } from "../base/dtype.js";
import { intFlag } from "./options.js";

interface Row {
  impl: string;
  model: "mlp" | "transformer";
  p: number;
  dtype: DType;
  workers: number;
  ms_per_seed_step: number;
  /** min/median/max over the timing windows (ours only) */
  spread?: Spread;
  /** process CPU ms per seed-step, warm-up included (ours only) */
  cpu_ms_per_seed_step?: number;
  rss_mib?: number;
  seeds_batched?: number;
}

const fmtSpread = (s: Spread) => `min ${s.min.toFixed(2)} median ${s.median.toFixed(2)} max ${s.max.toFixed(2)} over ${s.windows.length} windows`;

export function registerBench(program: Command): void {
  program
    .command("bench")
    .description("measure training throughput against the PyTorch yardstick")
    .option("--p <list>", "moduli, comma-separated", "59,97")
    .option("--dtype <list>", "f32,f64", "f32,f64")
    .option("--workers <n>", "workers for the machine-wide row (default: one per core)")
    .option("--steps <n>", "timed steps per measurement (a multiple of 25 × windows)", "500")
    .option("--windows <n>", "timing windows per measurement (min/median/max)", "5")
    .option("--no-profile", "skip the step profile (p = each modulus, each dtype, one worker)")
    .option("--no-gemm", "skip the GEMM GFLOP/s rows")
    .option("--no-transformer", "skip the transformer rows (p = 59, f32)")
    .option("--no-torch", "skip the PyTorch yardstick")
    .option("--torch-script <path>", "the yardstick script", TORCH_PAPER_SCRIPT)
    .option("--json", "print one JSON object")
    .action(async (opts: Record<string, unknown>) => {
      const ps = String(opts["p"]).split(",").map((s) => intFlag("--p", s, 2));
      const dtypes = String(opts["dtype"]).split(",") as DType[];
      for (const d of dtypes) if (d !== "f32" && d !== "f64") throw new Error(`invalid value for --dtype: ${JSON.stringify(d)} (expected f32 or f64)`);
      const all = opts["workers"] === undefined ? availableParallelism() : intFlag("--workers", opts["workers"]);
      const steps = intFlag("--steps", opts["steps"], 25);
      const windows = intFlag("--windows", opts["windows"], 1);
      if (steps % (25 * windows) !== 0) throw new Error(`invalid value for --steps: ${steps} (must be a multiple of 25 × --windows = ${25 * windows})`);
      const cpu = cpuInfo();
      const say = (m: string) => {
        if (!opts["json"]) process.stdout.write(m + "\n");
        else process.stderr.write(m + "\n");
      };
      say(`cpu: ${describeCpu(cpu)}; wasm stack checks ${wasmStackChecksDropped() ? "off" : "on"}`);
      const results: Row[] = [];
      const scaling: Array<Record<string, unknown>> = [];
      for (const p of ps) {
        for (const dtype of dtypes) {
          const byWorkers = new Map<number, number>();
          const cpuBy = new Map<number, number>();
          for (const workers of [...new Set([1, all])]) {
            const t = await throughput({ p, dtype }, workers, steps, 25, windows);
            byWorkers.set(workers, t.ms_per_seed_step);
            cpuBy.set(workers, t.cpu_ms_per_seed_step);
            results.push({ impl: "grokscale-wasm", model: "mlp", p, dtype, workers, ms_per_seed_step: t.ms_per_seed_step, spread: t.spread, cpu_ms_per_seed_step: t.cpu_ms_per_seed_step, rss_mib: t.rss_mib });
            say(`grokscale mlp p=${p} ${dtype} workers=${workers}: ${t.ms_per_seed_step.toFixed(2)} ms per seed-step (${fmtSpread(t.spread)}; CPU ${t.cpu_ms_per_seed_step.toFixed(2)} ms per seed-step incl. warm-up; rss ${t.rss_mib.toFixed(0)} MiB)`);
          }
          if (all > 1) {
            const s = byWorkers.get(1)! / byWorkers.get(all)!;
            const cpuGrowth = cpuBy.get(all)! / cpuBy.get(1)!;
            scaling.push({ p, dtype, workers: all, speedup: s, cpu_per_step_growth: cpuGrowth });
            say(`scaling p=${p} ${dtype}: ${all} workers give ${s.toFixed(2)}x one worker's seed-steps (CPU per seed-step ×${cpuGrowth.toFixed(2)}; ${all} workers can give at most ${Math.min(all, cpuInfo().cores)}x)`);
          }
        }
      }
      const profiles: Array<StepProfile & { p: number; dtype: DType }> = [];
      if (opts["profile"] !== false) {
        for (const p of ps) {
          for (const dtype of dtypes) {
            const pr = profileSteps({ p, dtype }, Math.min(steps, 200));
            profiles.push({ p, dtype, ...pr });
            const shares = (sh: Record<string, number>) => PROFILE_CATEGORIES.map((c) => `${c} ${(100 * sh[c]!).toFixed(1)}%`).join(", ");
            const fast = PROFILE_CATEGORIES.reduce((a, c) => a + pr.fastest_ms[c], 0);
            say(`profile p=${p} ${dtype}, totals (${pr.ms_per_step.toFixed(2)} ms per step instrumented): ${shares(pr.shares)}`);
            say(`profile p=${p} ${dtype}, fastest calls (${fast.toFixed(2)} ms per step): ${shares(pr.fastest_shares)}; non-GEMM ${(100 * (1 - pr.fastest_shares.gemm)).toFixed(1)}%`);
            say(`profile p=${p} ${dtype}, ms per step by kernel: ${Object.entries(pr.kernel_ms).slice(0, 6).map(([k, ms]) => `${k} ${ms.toFixed(3)}`).join(", ")}`);
          }
        }
      }
      const workerCounts = [...new Set([1, all])];
      if (opts["transformer"] !== false) {
        for (const r of await benchTransformer({ p: 59, dtype: "f32", workers: workerCounts, steps: Math.min(steps, 200) })) {
          results.push({ impl: r.impl, model: "transformer", p: r.p, dtype: r.dtype, workers: r.workers, ms_per_seed_step: r.ms_per_seed_step });
          say(`grokscale transformer p=59 f32 workers=${r.workers}: ${r.ms_per_seed_step.toFixed(2)} ms per seed-step`);
        }
      }
      const gemm: GemmResult[] = [];
      for (const p of opts["gemm"] === false ? [] : ps) {
        for (const dtype of dtypes) {
          for (const shape of mlpGemmShapes(p)) {
            const g = benchGemm(shape, "wasm", dtype);
            gemm.push(g);
            say(`gemm ${g.label} ${dtype}: ${g.gflops.toFixed(1)} GFLOP/s`);
          }
        }
      }
      const torch: TorchRow[] = [];
      const ratios: Array<Record<string, unknown>> = [];
      if (opts["torch"] !== false) {
        if (!torchAvailable()) say("torch: python3 with torch not found (pip install torch numpy); yardstick skipped");
        else {
          for (const p of ps) {
            const configs = [
              { seeds: 12, threads: all, dtype: "f32" },
              { seeds: 1, threads: 1, dtype: "f32" },
            ];
            for (const c of configs) {
              // long enough to compare with our windows: a fifth of our steps (12 seeds each), at least 60
              const row = runTorchScript(String(opts["torchScript"]), { p, ...c, steps: Math.max(60, Math.round(steps / 5)) });
              torch.push(row);
              results.push({ impl: "torch-paper-style", model: "mlp", p, dtype: "f32", workers: c.threads, ms_per_seed_step: row.ms_per_seed_step, seeds_batched: c.seeds });
              say(`torch mlp p=${p} f32 seeds=${c.seeds} threads=${c.threads}: ${row.ms_per_seed_step.toFixed(2)} ms per seed-step`);
            }
            const torchWide = torch.find((r) => r.p === p && r.seeds === 12)!;
            for (const dtype of dtypes) {
              const ours = results.find((r) => r.impl === "grokscale-wasm" && r.p === p && r.dtype === dtype && r.workers === all)!;
              const ratio = torchWide.ms_per_seed_step / ours.ms_per_seed_step;
              ratios.push({ model: "mlp", p, dtype, workers: all, vs: `torch f32, ${torchWide.seeds} seeds batched, ${torchWide.threads} threads`, speedup: ratio });
              say(`speed-up p=${p} ${dtype} (machine-wide) vs torch f32 12 seeds: ${ratio.toFixed(2)}x`);
            }
          }
        }
      }
      if (opts["torch"] !== false && opts["transformer"] !== false && torchAvailable()) {
        for (const r of torchTransformerRows(TORCH_TRANSFORMER_CASES(all))) {
          results.push({ impl: r.impl, model: "transformer", p: r.p, dtype: r.dtype, workers: r.workers, ms_per_seed_step: r.ms_per_seed_step, seeds_batched: r.seeds_batched ?? 1 });
          say(`torch transformer p=${r.p} f32 seeds=${r.seeds_batched} threads=${r.workers}${r.impl.includes("last") ? " (last position only)" : ""}: ${r.ms_per_seed_step.toFixed(2)} ms per seed-step`);
        }
        const ours = (w: number) => results.find((r) => r.model === "transformer" && r.impl.startsWith("grokscale") && r.workers === w);
        const t1 = results.find((r) => r.model === "transformer" && !r.impl.startsWith("grokscale") && r.seeds_batched === 1 && !r.impl.includes("last"));
        const tAll = results.find((r) => r.model === "transformer" && !r.impl.startsWith("grokscale") && r.seeds_batched === 12);
        if (t1 && ours(1)) ratios.push({ model: "transformer", p: 59, dtype: "f32", workers: 1, vs: "torch f32, 1 seed, 1 thread", speedup: t1.ms_per_seed_step / ours(1)!.ms_per_seed_step });
        if (tAll && ours(all)) ratios.push({ model: "transformer", p: 59, dtype: "f32", workers: all, vs: `torch f32, 12 seeds batched, ${all} threads`, speedup: tAll.ms_per_seed_step / ours(all)!.ms_per_seed_step });
        for (const r of ratios.filter((x) => x["model"] === "transformer")) say(`speed-up transformer (${r["vs"]}): ${(r["speedup"] as number).toFixed(2)}x`);
      }
      if (opts["json"]) {
        const machine = { cpus: cpu.cores, model: cpu.model, family: cpu.family, model_number: cpu.modelNumber, simd: cpu.simd, node: cpu.node, wasm_stack_checks: !wasmStackChecksDropped() };
        process.stdout.write(JSON.stringify({ machine, steps, windows, results, scaling, profiles, gemm, torch, ratios }) + "\n");
      }
    });
}
