// Run-config flags shared by train, calibrate and bench: one flag per config field, parsed into the
// raw object that resolveConfig validates (so a bad value is reported with the field's name).

import { readJsonFile } from "./json-file.js";
import type { Command } from "commander";

/** flag → config key; every flag takes a value */
const FLAGS: Array<[flag: string, key: string, help: string]> = [
  ["--model <name>", "model", "mlp | transformer"],
  ["--p <n>", "p", "modulus (default 59)"],
  ["--op <op>", "op", "add | sub | mul | div | sq"],
  ["--train-frac <x>", "train_frac", "train fraction α in (0,1) (default 0.4)"],
  ["--labels <kind>", "labels", "true | random (memorisation control)"],
  ["--loss <kind>", "loss", "ce | mse"],
  ["--tau <x>", "tau", "output temperature τ > 0"],
  ["--rho <x>", "rho", "clamp target as a multiple of w_c"],
  ["--wc <x>", "wc", "reference norm w_c (omit for a free run)"],
  ["--t-int <n>", "t_int", "first clamped step (default CE 500, MSE 50, transformer 600)"],
  ["--gamma <x>", "gamma", "layer-allocation clamp γ (needs --theta0 and --f-w1; see `grokscale calibrate`)"],
  ["--theta0 <x>", "theta0", "θ0 = f_W2²/(f_E²+f_W2²) from the free control"],
  ["--f-w1 <x>", "f_w1", "f_W1, W1's fraction of ‖W‖ in the free control (W1 is pinned at f_W1·rho·wc)"],
  ["--fork-at <n>", "fork_at", "forking arms: train free until this step"],
  ["--fork-arm <arm>", "fork_arm", "free | same | raised | lowered"],
  ["--lr <x>", "lr", "learning rate (default 1e-3 MLP, 5e-4 transformer)"],
  ["--wd <x>", "wd", "decoupled weight decay λ (default 1)"],
  ["--batch-size <n>", "batch_size", "minibatch size (default: full batch)"],
  ["--dtype <d>", "dtype", "f32 | f64"],
  ["--steps <n>", "steps", "step budget"],
  ["--eval-every <n>", "eval_every", "evaluation interval (default 25)"],
  ["--log-every <n>", "log_every", "measurement interval (default 200)"],
  ["--kernels <name>", "kernels", "wasm | reference"],
  ["--layernorm <kind>", "layernorm", "transformer: none | pre"],
  ["--d-embed <n>", "d_embed", "MLP embedding width (default 128)"],
  ["--hidden <n>", "hidden", "MLP hidden width (default 256)"],
  ["--init-from <file>", "init_from", "start every seed from this file's weights and split (JSON, src/train/init-file.ts)"],
];

const STRING_KEYS = new Set(["model", "op", "labels", "loss", "fork_arm", "dtype", "kernels", "layernorm", "init_from"]);

export function addConfigOptions(cmd: Command): Command {
  cmd.option("--config <file>", "a JSON file of config fields (flags override it)");
  for (const [flag, , help] of FLAGS) cmd.option(flag, help);
  cmd.option("--no-stop-on-grok", "keep training after a seed groks, until the budget");
  return cmd;
}

function parseValue(key: string, raw: string): unknown {
  if (STRING_KEYS.has(key)) return raw;
  if (raw === "null" || raw === "none") return null;
  const n = Number(raw);
  return raw.trim() !== "" && Number.isFinite(n) ? n : raw; // a non-number is passed on for zod to name
}

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The raw config object from --config and the flags; resolveConfig validates it. */
export function rawConfigFromOptions(opts: Record<string, unknown>): Record<string, unknown> {
  let raw: Record<string, unknown> = {};
  if (typeof opts["config"] === "string") {
    const file = opts["config"];
    raw = readJsonFile(file, "config file") as Record<string, unknown>;
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error(`config file ${file} must hold a JSON object`);
  }
  for (const [, key] of FLAGS) {
    const v = opts[camel(key)];
    if (typeof v === "string") raw[key] = parseValue(key, v);
  }
  if (opts["stopOnGrok"] === false) raw["stop_on_grok"] = false;
  return raw;
}

/** Parses a positive integer flag, naming it in the error. */
export function intFlag(name: string, raw: unknown, min = 1): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`invalid value for ${name}: ${JSON.stringify(raw)} (expected an integer >= ${min})`);
  return n;
}
