// The run configuration: one flat, zod-validated record of everything that defines a cell
// (task, model, loss, interventions, optimiser, precision, budget). Flat so that sweeps can make a
// grid over any field and hash it. Unknown keys are an error; every default carries its reason.
// `resolveConfig` fills the defaults that depend on other fields (t_int by loss and model, lr for
// the transformer) so the stored config is complete.

import { z } from "zod";

export const OPS = ["add", "sub", "mul", "div", "sq"] as const;
export type Op = (typeof OPS)[number];
/** The losses (docs/study.md §5): softmax cross-entropy, mean-squared error, StableMax cross-entropy (§11, E10). */
export const LOSSES = ["ce", "mse", "stablemax"] as const;
export type LossKind = (typeof LOSSES)[number];

const posInt = z.number().int().positive();

export const RunConfigSchema = z
  .object({
    // --- task (docs/study.md §2)
    p: z.number().int().min(2).max(1000).default(59), // the modulus; the paper uses 59 and 97
    op: z.enum(OPS).default("add"), // (a + b) mod p is the paper's task
    train_frac: z.number().gt(0).lt(1).default(0.4), // α = 0.4
    labels: z.enum(["true", "random"]).default("true"), // "random": the memorisation control
    // --- model (docs/study.md §3)
    model: z.enum(["mlp", "transformer"]).default("mlp"),
    d_embed: posInt.default(128), // MLP embedding width d
    hidden: posInt.default(256), // MLP hidden width H
    d_model: posInt.default(128), // transformer width
    heads: posInt.default(4),
    d_mlp: posInt.default(512),
    layernorm: z.enum(["none", "pre"]).default("none"), // transformer only; "none" is the paper's check
    // --- loss and temperature (docs/study.md §5)
    loss: z.enum(LOSSES).default("ce"),
    tau: z.number().gt(0).default(1), // logits are divided by τ in the loss and every metric
    // --- norm clamp: ‖W‖ = rho·wc for t ≥ t_int; wc null means a free run (no clamp)
    rho: z.number().gt(0).default(1),
    wc: z.number().gt(0).nullable().default(null),
    t_int: z.number().int().min(0).nullable().default(null), // null: CE 500, MSE 50, transformer 600
    // --- layer-allocation clamp: gamma null means the plain global clamp
    gamma: z.number().gt(-1).nullable().default(null),
    theta0: z.number().gt(0).lt(1).nullable().default(null), // f_W2²/(f_E²+f_W2²) from the free control (train/calibrate.ts)
    // W1's fraction f_W1 of ‖W‖ in the free control; the allocation clamp pins W1 at f_W1·rho·wc.
    // Optional without a default, so configs without it keep their content hash.
    f_w1: z.number().gt(0).lt(1).optional(),
    // --- forking arms (docs/study.md §5): free until fork_at, then arm
    fork_at: z.number().int().positive().nullable().default(null),
    fork_arm: z.enum(["free", "same", "raised", "lowered"]).default("free"),
    fork_factor: z.number().gt(1).default(1.15),
    // --- optimiser (docs/study.md §4)
    lr: z.number().gt(0).nullable().default(null), // null: 1e-3 (MLP), 5e-4 (transformer)
    wd: z.number().min(0).default(1), // decoupled decay λ on weight matrices only
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    eps: z.number().gt(0).default(1e-8),
    batch_size: posInt.nullable().default(null), // null: full batch (the paper)
    // --- beyond the paper (docs/study.md §11). Optional without defaults, and dropped when false, so
    // configs without them keep their content hash.
    // ⊥Grad (E10): each parameter tensor's gradient loses its component along the tensor, rescaled to
    // the gradient's norm, before AdamW (train/orthograd.ts)
    orthograd: z.boolean().optional(),
    // E11: the learning rate is lr·rho while the norm clamp holds (steps after t_int), so that Adam's
    // fixed-size steps keep their size relative to the clamped weights
    lr_scale_with_rho: z.boolean().optional(),
    // --- precision, budget, evaluation
    dtype: z.enum(["f32", "f64"]).default("f32"),
    steps: posInt.default(40000), // step budget (the paper's baseline budget)
    eval_every: posInt.default(25), // accuracy on all p² pairs; events are read at these steps
    log_every: posInt.default(200), // full measurements (and at step 1); the paper logs every 200
    stop_on_grok: z.boolean().default(true), // a seed stops where it groks; once its cell is done it is continued to the cell's end (train/cell-end.ts)
    kernels: z.enum(["wasm", "reference"]).default("wasm"),
    // --- a JSON file of initial weights and the train/test split (src/train/init-file.ts), used for
    // every seed instead of the seeded init and split; null: seeded. Its contents are not hashed.
    init_from: z.string().min(1).nullable().default(null),
  })
  .strict();

export type RunConfigInput = z.input<typeof RunConfigSchema>;
export type RunConfig = Omit<z.output<typeof RunConfigSchema>, "t_int" | "lr"> & { t_int: number; lr: number };

/** Formats the first zod issue as "field: message (got value)". */
export function formatZodError(err: z.ZodError, input: unknown): string {
  const issue = err.issues[0]!;
  const path = issue.path.join(".") || "(root)";
  let got: unknown = input;
  for (const k of issue.path) got = got && typeof got === "object" ? (got as Record<string, unknown>)[k as string] : undefined;
  if (issue.code === "unrecognized_keys") return `unknown config key(s): ${issue.keys.join(", ")}`;
  const shown = got === undefined ? "" : ` (got ${JSON.stringify(got)})`;
  return `invalid config field "${path}": ${issue.message}${shown}`;
}

export class ConfigError extends Error {}

/** Validates raw input and fills every default, including those that depend on other fields. */
export function resolveConfig(input: unknown): RunConfig {
  const parsed = RunConfigSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ConfigError(formatZodError(parsed.error, input));
  const c = parsed.data;
  const t_int = c.t_int ?? (c.model === "transformer" ? 600 : c.loss === "mse" ? 50 : 500);
  const lr = c.lr ?? (c.model === "transformer" ? 5e-4 : 1e-3);
  if (c.gamma !== null && c.theta0 === null) {
    throw new ConfigError(`invalid config field "theta0": required when gamma is set (got null)`);
  }
  if (c.gamma !== null && c.f_w1 === undefined) {
    throw new ConfigError(`invalid config field "f_w1": required when gamma is set (got undefined)`);
  }
  if (c.gamma === null && c.f_w1 !== undefined) {
    throw new ConfigError(`invalid config field "f_w1": only the allocation clamp (gamma) uses it (got ${c.f_w1})`);
  }
  if (c.gamma !== null && c.wc === null) {
    throw new ConfigError(`invalid config field "wc": the allocation clamp (gamma) needs a reference norm (got null)`);
  }
  if (c.fork_at !== null && c.fork_arm !== "free" && c.wc !== null) {
    throw new ConfigError(`invalid config field "wc": forking arms clamp at the fork's own norm; leave wc null (got ${c.wc})`);
  }
  if (c.lr_scale_with_rho && c.wc === null) {
    throw new ConfigError(`invalid config field "lr_scale_with_rho": scales lr with the norm clamp; a free run (wc null) has none (got true)`);
  }
  if (c.op === "div" && !isPrime(c.p)) {
    throw new ConfigError(`invalid config field "p": division needs a prime modulus (got ${c.p})`);
  }
  const { orthograd, lr_scale_with_rho, ...rest } = c;
  // false is the same run as absent: drop it so that it hashes as today's configs do
  return { ...rest, ...(orthograd ? { orthograd } : {}), ...(lr_scale_with_rho ? { lr_scale_with_rho } : {}), t_int, lr };
}

/** The learning rate of step t: lr, or lr·rho once the norm clamp holds when lr_scale_with_rho is set (E11). */
export function stepLr(cfg: RunConfig, t: number): number {
  return cfg.lr_scale_with_rho && cfg.wc !== null && t > cfg.t_int ? cfg.lr * cfg.rho : cfg.lr;
}

export function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let k = 2; k * k <= n; k++) if (n % k === 0) return false;
  return true;
}

/** Canonical JSON (sorted keys) of a resolved config: the input to content hashes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}
