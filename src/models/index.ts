// Model construction from a run config, and the arena size a run needs.

import type { RunConfig } from "../base/config.js";
import type { Arena } from "../base/arena.js";
import type { Rng } from "../base/rng.js";
import type { Model } from "./model.js";
import { Mlp } from "./mlp.js";
import { Transformer } from "./transformer.js";

export interface BuiltModel {
  model: Model;
  init(rng: Rng): void;
}

export function buildModel(cfg: RunConfig, arena: Arena): BuiltModel {
  switch (cfg.model) {
    case "mlp": {
      const m = new Mlp(arena, cfg.dtype, { p: cfg.p, d: cfg.d_embed, hidden: cfg.hidden });
      return { model: m, init: (rng) => m.init(rng) };
    }
    case "transformer": {
      if (cfg.gamma !== null) {
        throw new Error(`the layer-allocation clamp (gamma) is defined for the MLP's E, W1, W2 only; unset gamma for model "transformer" (got ${cfg.gamma})`);
      }
      const m = new Transformer(arena, cfg.dtype, { p: cfg.p, d_model: cfg.d_model, heads: cfg.heads, d_mlp: cfg.d_mlp, layernorm: cfg.layernorm });
      return { model: m, init: (rng) => m.init(rng) };
    }
  }
}

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
