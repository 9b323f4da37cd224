// Loads the PyTorch oracle's fixture (test/fixtures/oracle, written by scripts/torch-oracle.py) and
// replays a case with grokscale's trainer from the same init file, recording what the fixture holds:
// each step's loss and per-matrix gradient norms, the weights after the first steps and at the end.
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveConfig } from "../../src/base/config.js";
import { runSeed } from "../../src/train/trainer.js";

export const FIXTURES = fileURLToPath(new URL("../fixtures/oracle", import.meta.url));

export interface OracleStep {
  loss: number;
  grad_norms: Record<string, number>;
}

export interface OracleCase {
  torch: string;
  config: Record<string, unknown>;
  steps: OracleStep[];
  final: Record<string, number[]>;
  weights_after: Record<string, Record<string, number[]>>;
}

export function loadCase(name: string): OracleCase {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as OracleCase;
}

export interface Replay {
  steps: OracleStep[];
  final: Record<string, number[]>;
  weightsAfter: Record<string, Record<string, number[]>>;
}

/**
 * Runs the case's config (its init file, which cases may share, resolved inside the fixture folder;
 * `change` overrides config fields, e.g. to switch a feature off) and records the trajectory.
 */
export function replay(name: string, kernels: "wasm" | "reference" = "wasm", change: Record<string, unknown> = {}): Replay {
  const c = loadCase(name);
  const cfg = resolveConfig({ ...c.config, init_from: join(FIXTURES, basename(String(c.config["init_from"]))), kernels, ...change });
  const steps: OracleStep[] = [];
  const weightsAfter: Record<string, Record<string, number[]>> = {};
  const out = runSeed(cfg, 0, {
    onStep: (t, loss, s) => {
      const P = s.model.params;
      const grad_norms: Record<string, number> = {};
      for (const e of P.entries) if (e.matrix) grad_norms[e.name] = Math.sqrt(s.ctx.k.sumSquares(e.size, P.slice(P.grad, e.name)));
      steps.push({ loss, grad_norms });
      if (c.weights_after[String(t)] || t === cfg.steps) {
        weightsAfter[String(t)] = Object.fromEntries(P.entries.map((e) => [e.name, Array.from(P.slice(P.data, e.name))]));
      }
    },
  });
  if (out.stopped) throw new Error("stopped");
  return { steps, final: weightsAfter[String(cfg.steps)]!, weightsAfter };
}

/** Relative difference (0 when equal). */
export const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));
const F32 = new Float32Array(2);
const I32 = new Int32Array(F32.buffer);
/** Distance in float32 ulps (both values rounded to float32; across zero, the sum of both distances). */
export const ulps = (a: number, b: number) => {
  F32[0] = a;
  F32[1] = b;
  return (I32[0]! ^ I32[1]!) < 0 ? Math.abs(I32[0]! & 0x7fffffff) + Math.abs(I32[1]! & 0x7fffffff) : Math.abs(I32[0]! - I32[1]!);
};
