// A training session: everything one seed's run holds in memory — arena, kernels, model, data in the
// arena, RNG — built from a config and a seed, with the state that a snapshot saves and restores.
// The step loop itself lives in trainer.ts.

import type { RunConfig } from "../base/config.js";
import { makeDataset, type Dataset } from "../data/modular.js";
import { makeKernels } from "../kernels/index.js";
import type { Kernels } from "../kernels/types.js";
import type { EvalSet } from "../metrics/evaluate.js";
import { arenaMegabytes } from "../base/limits.js";
import { buildModel } from "../models/index.js";
import type { Model } from "../models/model.js";
import { Arena } from "../base/arena.js";
import { Rng } from "../base/rng.js";
import type { Ctx } from "../tensor/tape.js";
import { applyInitFile, readInitFile } from "./init-file.js";
import type { Snapshot } from "./types.js";

export interface Session {
  cfg: RunConfig;
  seed: number;
  ctx: Ctx;
  model: Model;
  data: Dataset;
  /** training operands and labels in the arena */
  trainA: Int32Array;
  trainB: Int32Array;
  trainY: Int32Array;
  /** minibatch buffers (only with batch_size) */
  batchA: Int32Array | null;
  batchB: Int32Array | null;
  batchY: Int32Array | null;
  evalSet: EvalSet;
  /** minibatch sampling stream; its state is part of a snapshot */
  rng: Rng;
}

function toArena(arena: Arena, src: Int32Array): Int32Array {
  const a = arena.ints(src.length);
  a.set(src);
  return a;
}

/** wrapKernels: an instrumenting wrapper around the kernels (bench/profile.ts); the same arithmetic. */
export function openSession(cfg: RunConfig, seed: number, wrapKernels?: (k: Kernels) => Kernels): Session {
  const arena = new Arena(arenaMegabytes(cfg));
  const made = makeKernels(cfg.kernels, cfg.dtype, arena);
  const k = wrapKernels ? wrapKernels(made) : made;
  const ctx: Ctx = { arena, k, dtype: cfg.dtype };
  const built = buildModel(cfg, arena);
  built.init(new Rng(seed, "init"));
  const data = makeDataset(cfg, seed);
  if (cfg.init_from !== null) applyInitFile(readInitFile(cfg.init_from), cfg.init_from, cfg, built.model.params, data);
  const pick = (idx: Int32Array, src: Int32Array) => Int32Array.from(idx, (i) => src[i]!);
  const order = new Int32Array(data.n);
  order.set(data.train);
  order.set(data.test, data.train.length);
  const bs = cfg.batch_size !== null && cfg.batch_size < data.train.length ? cfg.batch_size : null;
  return {
    cfg,
    seed,
    ctx,
    model: built.model,
    data,
    trainA: toArena(arena, pick(data.train, data.a)),
    trainB: toArena(arena, pick(data.train, data.b)),
    trainY: toArena(arena, pick(data.train, data.label)),
    batchA: bs ? arena.ints(bs) : null,
    batchB: bs ? arena.ints(bs) : null,
    batchY: bs ? arena.ints(bs) : null,
    evalSet: {
      a: toArena(arena, pick(order, data.a)),
      b: toArena(arena, pick(order, data.b)),
      y: toArena(arena, pick(order, data.label)),
      nTrain: data.train.length,
    },
    rng: new Rng(seed, "batch"),
  };
}

/** Copies parameters and Adam moments out as float64 (exact for both dtypes). */
export function captureState(s: Session): Pick<Snapshot, "params" | "m" | "v" | "rng"> {
  const P = s.model.params;
  const grab = (buf: typeof P.data) => Object.fromEntries(P.entries.map((e) => [e.name, Float64Array.from(P.slice(buf, e.name))]));
  return { params: grab(P.data), m: grab(P.m), v: grab(P.v), rng: s.rng.getState() };
}

/** Restores parameters, Adam moments and the RNG from a snapshot of the same config and seed. */
export function restoreState(s: Session, snap: Snapshot): void {
  const P = s.model.params;
  for (const e of P.entries) {
    for (const [buf, src] of [
      [P.data, snap.params],
      [P.m, snap.m],
      [P.v, snap.v],
    ] as const) {
      const vals = src[e.name];
      if (!vals || vals.length !== e.size) throw new Error(`snapshot: parameter ${e.name} missing or of the wrong size`);
      P.slice(buf, e.name).set(vals);
    }
  }
  s.rng.setState(snap.rng);
}
