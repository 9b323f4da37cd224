// Calibration (SPEC §5): the reference norm w_c is the median over seeds of ‖W‖ when a free control
// run (no clamp, λ = 1) groks; θ0 is W2's median share of the E + W2 power at that point.

import type { RunConfig } from "../experiments/config.js";
import { median } from "./summary.js";
import { runSeed } from "./trainer.js";

export interface Calibration {
  wc: number | null;
  theta0: number | null;
  n_grokked: number;
  seeds: Array<{ seed: number; T_grok: number | null; norm_at_grok: number | null; theta: number | null }>;
}

export function calibrate(cfg: RunConfig, nSeeds: number, seed0 = 0, progress?: (msg: string) => void): Calibration {
  const control: RunConfig = { ...cfg, wc: null, gamma: null, theta0: null, fork_at: null, wd: 1 };
  const seeds: Calibration["seeds"] = [];
  for (let s = seed0; s < seed0 + nSeeds; s++) {
    const out = runSeed(control, s);
    if (out.stopped) throw new Error("calibration stopped unexpectedly");
    const r = out.result;
    const row = r.T_grok === null ? undefined : r.log.find((x) => x.step === r.T_grok);
    const n = row?.norms;
    const theta = n && n["W2"] !== undefined && n["E"] !== undefined ? n["W2"] ** 2 / (n["W2"] ** 2 + n["E"] ** 2) : null;
    seeds.push({ seed: s, T_grok: r.T_grok, norm_at_grok: r.norm_at_grok, theta });
    progress?.(`control seed ${s}: T_grok ${r.T_grok ?? "-"} |W| at grok ${r.norm_at_grok?.toFixed(3) ?? "-"}`);
  }
  const ok = seeds.filter((s) => s.norm_at_grok !== null);
  return {
    wc: median(ok.map((s) => s.norm_at_grok!)),
    theta0: median(ok.filter((s) => s.theta !== null).map((s) => s.theta!)),
    n_grokked: ok.length,
    seeds,
  };
}
