// The arena one run needs and what an arena can hold: every tensor of a run lives in one
// WebAssembly.Memory of at most 65536 pages (4 GiB, wasm32's limit), sized by arenaMegabytes from the
// config alone. arenaOverflow says, before anything runs, whether a config fits and, when not, which
// size field to blame. Arithmetic on the config only: it allocates nothing.

import { RunConfigSchema, type RunConfig } from "./config.js";

/** Arena megabytes for one run: parameters ×4 (data, grad, m, v) plus the largest step's activations. */
export function arenaMegabytes(cfg: RunConfig, evalChunk = 4096): number {
  const bytes = cfg.dtype === "f64" ? 8 : 4;
  const n = cfg.p * cfg.p;
  const rows = Math.max(Math.floor(cfg.train_frac * n), Math.min(n, evalChunk));
  let perRow: number;
  let params: number;
  switch (cfg.model) {
    case "mlp":
      perRow = 4 * (cfg.hidden + cfg.p); // pre, h, z (+ their gradients)
      params = cfg.p * cfg.d_embed + 2 * cfg.d_embed * cfg.hidden + cfg.hidden * cfg.p + cfg.hidden + cfg.p;
      params += 4 * cfg.p * cfg.hidden; // the (p, H) tables and their gradients
      break;
    case "transformer":
      // last position only: K, V, Q gathers, attention, residuals and LayerNorms (~16 d), the MLP (2 d_mlp),
      // logits and their gradient (2 p), attention scores and probabilities (8 heads)
      perRow = 16 * cfg.d_model + 2 * cfg.d_mlp + 2 * cfg.p + 8 * cfg.heads;
      params = (cfg.p + 1 + 3) * cfg.d_model + 4 * cfg.d_model * cfg.d_model + 2 * cfg.d_model * cfg.d_mlp + cfg.d_model * cfg.p;
      break;
  }
  const total = bytes * (4 * params + 2 * rows * perRow) + 3 * 4 * n;
  return Math.ceil((total * 1.5) / (1024 * 1024)) + 16;
}

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
