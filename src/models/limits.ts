// What one run's arena can hold: every tensor of a run lives in one WebAssembly.Memory of at most
// 65536 pages (4 GiB, wasm32's limit), sized by arenaMegabytes. arenaLimit says, before anything
// runs, whether a config fits and, when not, which size field to blame. It allocates nothing.

import { RunConfigSchema, type RunConfig } from "../base/config.js";
import { arenaMegabytes } from "./index.js";

/** The largest arena a WebAssembly.Memory can be: 65536 pages of 64 KiB. */
export const MAX_ARENA_MB = 4096;

/** The fields that size a model's tensors, per model. */
const SIZE_FIELDS: Record<RunConfig["model"], readonly (keyof RunConfig)[]> = {
  mlp: ["d_embed", "hidden", "p"],
  transformer: ["d_model", "d_mlp", "heads", "p"],
};

export interface ArenaOverflow {
  /** the size field whose value makes the arena too large */
  field: keyof RunConfig;
  value: unknown;
  megabytes: number;
  message: string;
}

/** null when the config's arena fits; else the field to blame (the one whose default shrinks the arena most). */
export function arenaOverflow(cfg: RunConfig): ArenaOverflow | null {
  const mb = arenaMegabytes(cfg);
  if (mb <= MAX_ARENA_MB) return null;
  const defaults = RunConfigSchema.parse({}) as Record<string, unknown>;
  let best: { field: keyof RunConfig; mb: number } | null = null;
  for (const f of SIZE_FIELDS[cfg.model]) {
    const smaller = arenaMegabytes({ ...cfg, [f]: defaults[f] } as RunConfig);
    if (best === null || smaller < best.mb) best = { field: f, mb: smaller };
  }
  const field = best!.field;
  return {
    field,
    value: cfg[field],
    megabytes: mb,
    message: `the ${cfg.model} needs a ${mb} MB arena, more than the ${MAX_ARENA_MB} MB a WebAssembly memory can hold (got ${JSON.stringify(cfg[field])})`,
  };
}
