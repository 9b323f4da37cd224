// Model construction from a run config (the arena size a run needs is base/limits.ts).

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

