// The PyTorch yardstick: runs bench/torch_paper_step.py (the paper's MLP step as plain PyTorch tensor
// code, seeds batched) when a python3 with torch is present, and parses its JSON line.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** bench/torch_paper_step.py in this package (next to src/ and dist/). */
export const TORCH_PAPER_SCRIPT = join(resolve(dirname(fileURLToPath(import.meta.url)), "..", ".."), "bench", "torch_paper_step.py");

export interface TorchRow {
  impl: string;
  p: number;
  seeds: number;
  threads: number;
  dtype: string;
  ms_per_seed_step: number;
}

export function torchAvailable(python = "python3"): boolean {
  const r = spawnSync(python, ["-c", "import torch"], { encoding: "utf8" });
  return r.status === 0;
}

export function runTorchScript(script: string, args: Record<string, string | number>, python = "python3"): TorchRow {
  if (!existsSync(script)) throw new Error(`torch yardstick script not found: ${script}`);
  const argv = [script, ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)])];
  const r = spawnSync(python, argv, { encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr.trim().split("\n").slice(-1)[0]}`);
  const line = r.stdout.trim().split("\n").filter((l) => l.startsWith("{")).pop();
  if (!line) throw new Error(`${script} printed no JSON line`);
  return JSON.parse(line) as TorchRow;
}
