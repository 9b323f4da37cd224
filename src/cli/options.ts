// Command-line flags: the run-config flags of train and calibrate, generated from RunConfigSchema (one
// `--kebab-name` per field, so a field added to the schema gets its flag), and the one integer parser
// every other numeric flag uses. Flags are parsed into the raw object that resolveConfig validates, so
// a bad value is reported with the field's name. Not here: what a field means (base/config.ts).

import { readJsonFile } from "./json-file.js";
import { Option, type Command } from "commander";
import { z } from "zod";
import { RunConfigSchema, type RunConfigInput } from "../base/config.js";

/** What a flag is for, shown in --help before the range and default read from the schema. */
const HELP: Partial<Record<keyof RunConfigInput, string>> = {
  p: "modulus",
  op: "the operation",
  train_frac: "train fraction α",
  labels: "the labels (random: the memorisation control)",
  model: "the architecture",
  d_embed: "MLP embedding width",
  hidden: "MLP hidden width",
  d_model: "transformer width",
  heads: "transformer attention heads",
  d_mlp: "transformer MLP width",
  layernorm: "transformer layer norm",
  loss: "the loss",
  tau: "output temperature τ",
  rho: "clamp target as a multiple of w_c",
  wc: "reference norm w_c (null: a free run)",
  t_int: "first clamped step (null: CE 500, MSE 50, transformer 600)",
  gamma: "layer-allocation clamp γ (needs --theta0 and --f-w1; see `grokscale calibrate`)",
  theta0: "θ0 = f_W2²/(f_E²+f_W2²) from the free control",
  f_w1: "f_W1, W1's fraction of ‖W‖ in the free control (W1 is pinned at f_W1·rho·wc)",
  fork_at: "forking arms: train free until this step",
  fork_arm: "the arm after the fork",
  fork_factor: "the raised/lowered arms' norm factor",
  lr: "learning rate (null: 1e-3 MLP, 5e-4 transformer)",
  wd: "decoupled weight decay λ",
  beta1: "AdamW β1",
  beta2: "AdamW β2",
  eps: "AdamW ε",
  batch_size: "minibatch size (null: full batch)",
  orthograd: "⊥Grad: remove each gradient's component along its weights before AdamW (E10)",
  lr_scale_with_rho: "use lr·rho while the norm clamp holds (E11)",
  dtype: "floating-point precision",
  steps: "step budget",
  eval_every: "evaluation interval in steps",
  log_every: "measurement interval in steps",
  stop_on_grok: "stop a seed at the evaluation where it groks",
  kernels: "kernel backend",
  init_from: "start every seed from this file's weights and split (JSON, src/train/init-file.ts)",
};

type Kind = "enum" | "string" | "integer" | "number" | "boolean" | "json";
interface ConfigFlag {
  key: string;
  kind: Kind;
  nullable: boolean;
  options: Option[]; // a boolean field has two: --name and --no-name
}

interface JsonField {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonField[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

const kebab = (key: string): string => key.replace(/_/g, "-");

/** "integer > 0", "number in (0, 1)", ... from the JSON Schema bounds (no bound at ±2^53). */
function range(f: JsonField, kind: "integer" | "number"): string {
  const huge = (x: number | undefined) => x === undefined || Math.abs(x) >= Number.MAX_SAFE_INTEGER;
  const lo = f.exclusiveMinimum ?? f.minimum;
  const hi = f.exclusiveMaximum ?? f.maximum;
  const loB = f.exclusiveMinimum !== undefined ? "(" : "[";
  const hiB = f.exclusiveMaximum !== undefined ? ")" : "]";
  if (!huge(lo) && !huge(hi)) return `${kind} in ${loB}${lo}, ${hi}${hiB}`;
  if (!huge(lo)) return `${kind} ${f.exclusiveMinimum !== undefined ? ">" : ">="} ${lo}`;
  if (!huge(hi)) return `${kind} ${f.exclusiveMaximum !== undefined ? "<" : "<="} ${hi}`;
  return kind;
}

/** One flag per schema field, in the schema's order. */
function configFlags(): ConfigFlag[] {
  const props = (z.toJSONSchema(RunConfigSchema, { io: "input", unrepresentable: "any" }) as { properties: Record<string, JsonField> }).properties;
  return Object.entries(props).map(([key, field]) => {
    const nullable = field.anyOf?.some((f) => f.type === "null") ?? false;
    const f = field.anyOf?.find((x) => x.type !== "null") ?? field;
    const kind: Kind =
      f.enum !== undefined ? "enum" : f.type === "integer" || f.type === "number" || f.type === "boolean" || f.type === "string" ? f.type : "json";
    const help = HELP[key as keyof RunConfigInput];
    const what =
      kind === "enum"
        ? (f.enum as unknown[]).join(" | ")
        : kind === "integer" || kind === "number"
          ? range(f, kind) + (nullable ? ", or null" : "")
          : kind === "json"
            ? "JSON"
            : "";
    const text = [help, what].filter((s) => s).join(": ");
    const options =
      kind === "boolean"
        ? [new Option(`--${kebab(key)}`, `${text} (default ${field.default ? "on" : "off"})`), new Option(`--no-${kebab(key)}`, `the opposite of --${kebab(key)}`)]
        : [new Option(`--${kebab(key)} <${{ enum: "name", string: "text", integer: "n", number: "x", json: "json" }[kind]}>`, `${text} (default ${field.default === undefined ? "none" : JSON.stringify(field.default)})`)];
    return { key, kind, nullable, options };
  });
}

const FLAGS = configFlags();

export function addConfigOptions(cmd: Command): Command {
  cmd.option("--config <file>", "a JSON file of config fields (flags override it)");
  for (const { options } of FLAGS) for (const o of options) cmd.addOption(o);
  return cmd;
}

/** A flag's number as Number reads it ("1e3", "0.5"), NaN for an empty string. */
const readNumber = (s: string): number => (s.trim() === "" ? NaN : Number(s));

/** A flag's string as the config value: null for "null"/"none" where the field is nullable, a number
 *  for a numeric field, parsed JSON for a structured one (what does not parse is passed on as the
 *  string, for zod to name the field). */
function parseValue(flag: ConfigFlag, raw: string): unknown {
  if (flag.nullable && (raw === "null" || raw === "none")) return null;
  if (flag.kind === "enum" || flag.kind === "string") return raw;
  if (flag.kind === "json") {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw; // zod names the field
    }
  }
  const n = readNumber(raw);
  return Number.isFinite(n) ? n : raw;
}

/** The raw config object from --config and the flags; resolveConfig validates it. */
export function rawConfigFromOptions(opts: Record<string, unknown>): Record<string, unknown> {
  let raw: Record<string, unknown> = {};
  if (typeof opts["config"] === "string") {
    const file = opts["config"];
    raw = readJsonFile(file, "config file") as Record<string, unknown>;
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error(`config file ${file} must hold a JSON object`);
  }
  for (const flag of FLAGS) {
    const v = opts[flag.options[0]!.attributeName()]; // undefined unless given: --x and --no-x together have no default
    if (flag.kind === "boolean") {
      if (typeof v === "boolean") raw[flag.key] = v;
    } else if (typeof v === "string") raw[flag.key] = parseValue(flag, v);
  }
  return raw;
}

/** The one integer parser of the CLI: `raw` (as Number reads it: "1e3" is 1000) as an integer >= min,
 *  or an error naming the flag. Use it directly or as a commander argParser: `intFlag.parser("--workers")`. */
export function intFlag(name: string, raw: unknown, min = 1, max = Infinity): number {
  const n = readNumber(String(raw));
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const want =
      max !== Infinity ? `an integer in ${min}..${max}` : min === -Infinity ? "an integer" : min === 1 ? "a positive integer" : min === 0 ? "a non-negative integer" : `an integer >= ${min}`;
    throw new Error(`${name} must be ${want} (got ${JSON.stringify(raw)})`);
  }
  return n;
}
intFlag.parser =
  (name: string, min = 1, max = Infinity) =>
  (raw: string): number =>
    intFlag(name, raw, min, max);
