// The playground's shareable state: a seed, the shared config fields and the arms (each arm's own
// config fields), encoded in a URL query string, and decoded back with every arm validated by the
// same zod schema as `grokscale train`. Also the model-size presets and the equivalent CLI command.
// Pure functions of data: no DOM, no Node, so the page, the worker and the tests share them.

import { z } from "zod";
import { RunConfigSchema, resolveConfig, type RunConfig, type RunConfigInput } from "../base/config.js";

export type ConfigFields = Record<string, unknown>;

export interface PlaygroundState {
  seed: number;
  /** fields shared by every arm (differences from the schema's defaults) */
  base: ConfigFields;
  /** per arm, the fields that override base; at least one arm */
  arms: ConfigFields[];
}

/** Model sizes: the paper's MLP, and smaller ones that grok in seconds (lr raised to match). */
export const SIZES: Record<string, { label: string; fields: ConfigFields }> = {
  paper: { label: "paper (d 128, H 256)", fields: { d_embed: 128, hidden: 256, lr: null } },
  small: { label: "small (d 32, H 64)", fields: { d_embed: 32, hidden: 64, lr: 0.01 } },
  tiny: { label: "tiny (d 16, H 32)", fields: { d_embed: 16, hidden: 32, lr: 0.03 } },
};

/** The page's opening state: a small cell that groks in a few seconds, at τ = 1 against τ = 1.7. */
export const DEFAULT_STATE: PlaygroundState = {
  seed: 0,
  base: { p: 47, ...SIZES["small"]!.fields, steps: 6000, log_every: 25 },
  arms: [{}, { tau: 1.7 }],
};

export const MAX_P = 97;
const MAX_ARMS = 4;
const SHAPE = RunConfigSchema.shape as Record<string, z.ZodType>;
/** The switches without a default (orthograd, lr_scale_with_rho: docs/study.md §11): off when absent. */
export const OPTIONAL_SWITCHES = Object.keys(SHAPE).filter((k) => SHAPE[k] instanceof z.ZodOptional && SHAPE[k].unwrap() instanceof z.ZodBoolean);
const DEFAULTS: Record<string, unknown> = { ...Object.fromEntries(OPTIONAL_SWITCHES.map((k) => [k, false])), ...RunConfigSchema.parse({}) };
const KEYS = new Set(Object.keys(SHAPE));
const STRING_KEYS = new Set(["model", "op", "labels", "loss", "fork_arm", "dtype", "kernels", "layernorm"]);

export class StateError extends Error {}

function parseValue(key: string, raw: string): unknown {
  if (!KEYS.has(key)) throw new StateError(`unknown config key "${key}" in the link`);
  if (STRING_KEYS.has(key)) return raw;
  if (raw === "null") return null;
  if (raw === "true" || raw === "false") return raw === "true";
  const n = Number(raw);
  return raw.trim() !== "" && Number.isFinite(n) ? n : raw; // a non-number goes on for zod to name
}

const show = (v: unknown): string => (v === null ? "null" : String(v));

/** Drops fields equal to the schema's default, so links stay short and name only what was chosen. */
function trim(fields: ConfigFields): ConfigFields {
  return Object.fromEntries(Object.entries(fields).filter(([k, v]) => v !== undefined && DEFAULTS[k] !== v));
}

/** One arm's complete config, validated (throws ConfigError naming the field). */
export function armConfig(state: PlaygroundState, arm: number): RunConfig {
  const cfg = resolveConfig({ ...state.base, ...state.arms[arm] } as RunConfigInput);
  if (cfg.p > MAX_P) throw new StateError(`invalid config field "p": the playground trains p up to ${MAX_P} (got ${cfg.p})`);
  if (cfg.kernels !== "wasm") {
    // the reference kernels use the engine's Math.exp/Math.log, whose last bits differ between engines
    throw new StateError(`invalid config field "kernels": the playground trains with the wasm kernels, the same bits as the CLI on every engine (got "${cfg.kernels}")`);
  }
  return cfg;
}

/** Every arm's config; throws on the first bad one, naming the arm. */
export function armConfigs(state: PlaygroundState): RunConfig[] {
  return state.arms.map((_, i) => {
    try {
      return armConfig(state, i);
    } catch (e) {
      throw new StateError(state.arms.length > 1 ? `arm ${i + 1}: ${(e as Error).message}` : (e as Error).message);
    }
  });
}

/** The query string (without "?") of a state: seed, shared fields, then one `arm=` per arm. */
export function encodeState(state: PlaygroundState): string {
  const q = new URLSearchParams();
  q.set("seed", String(state.seed));
  for (const [k, v] of Object.entries(trim(state.base))) q.set(k, show(v));
  for (const arm of state.arms) {
    q.append("arm", Object.entries(arm).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}:${show(v)}`).join(","));
  }
  return q.toString();
}

/** Decodes and validates a query string; an empty one gives the default state. */
export function decodeState(search: string): PlaygroundState {
  const q = new URLSearchParams(search.replace(/^\?/, ""));
  if ([...q.keys()].length === 0) return structuredClone(DEFAULT_STATE);
  const state: PlaygroundState = { seed: 0, base: {}, arms: [] };
  for (const [k, v] of q) {
    if (k === "seed") {
      const n = Number(v);
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new StateError(`invalid seed in the link: ${JSON.stringify(v)} (expected an integer >= 0)`);
      state.seed = n;
    } else if (k === "arm") {
      const arm: ConfigFields = {};
      for (const part of v.split(",").filter((s) => s !== "")) {
        const at = part.indexOf(":");
        if (at < 1) throw new StateError(`invalid arm in the link: ${JSON.stringify(part)} (expected key:value)`);
        const key = part.slice(0, at);
        arm[key] = parseValue(key, part.slice(at + 1));
      }
      state.arms.push(arm);
    } else {
      state.base[k] = parseValue(k, v);
    }
  }
  if (state.arms.length === 0) state.arms.push({});
  if (state.arms.length > MAX_ARMS) throw new StateError(`the link has ${state.arms.length} arms; the playground runs at most ${MAX_ARMS}`);
  armConfigs(state);
  return state;
}

/** The `grokscale train` command that trains the same config and seed (every config field has its flag). */
export function trainCommand(cfg: RunConfig, seed: number): string {
  const fields = trim(cfg as unknown as ConfigFields);
  // t_int and lr are resolved from other fields; name them only when they differ from that resolution
  const auto = resolveConfig({ ...fields, t_int: null, lr: null } as RunConfigInput);
  if (fields["t_int"] === auto.t_int) delete fields["t_int"];
  if (fields["lr"] === auto.lr) delete fields["lr"];
  const tail = `--seed0 ${seed} --seeds 1 --json`;
  // a switch is a bare flag: --orthograd, --no-stop-on-grok
  const flags = Object.entries(fields).map(([k, v]) => (typeof v === "boolean" ? `--${v ? "" : "no-"}${k.replace(/_/g, "-")}` : `--${k.replace(/_/g, "-")} ${show(v)}`));
  return ["npx grokscale train", ...flags, tail].join(" ");
}

