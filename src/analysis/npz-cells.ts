// The paper's released metrics -> CellRecords. One .npz per cell; the folder names the experiment
// (dose, mediation, collapse, alloc, transformer, samestate); `*_weights.npz` companions (collapse,
// transformer) carry per-seed T_grok/T_mem only and are merged into their cell, never made cells.
// Pure: takes file paths and bytes (paper-files.ts reads the folder). No statistics here.
// Each cell's run config is built from the file's own keys (configOf), or is null with the reason.

import { ConfigError, resolveConfig, type RunConfig } from "../base/config.js";
import { readNpz } from "./npz.js";
import type { NpyArray } from "./npy.js";
import type { CellRecord, CellSeries, SeedRecord } from "./records.js";

export interface NpzFile {
  path: string; // relative to the metrics folder, "/"-separated, e.g. "dose/mlp_ce_full_p43_clamp_rho1.00.npz"
  bytes: Uint8Array;
}

export interface NpzImport {
  cells: CellRecord[];
  warnings: string[]; // e.g. a companion whose cell is missing
}

const COMPANION_KEYS = new Set(["T_grok_per_seed", "T_mem_per_seed", "tau", "rho"]);

/** Convert the paper's .npz files into cell records; throws naming the file on any bad archive. */
export function cellsFromNpz(files: NpzFile[]): NpzImport {
  const parsed = files.map((f) => ({ path: f.path, arrays: readNpz(f.bytes, f.path) }));
  const isCompanion = (p: string, a: Map<string, NpyArray>) =>
    /_weights\.npz$/.test(p) && !a.has("steps") && [...a.keys()].every((k) => COMPANION_KEYS.has(k));
  const mains = parsed.filter((f) => !isCompanion(f.path, f.arrays));
  const companions = parsed.filter((f) => isCompanion(f.path, f.arrays));
  const byPath = new Map(mains.map((m) => [m.path, m]));
  const warnings: string[] = [];
  const merged = new Map<string, { path: string; arrays: Map<string, NpyArray> }>();
  for (const c of companions) {
    const mainPath = c.path.replace(/_weights\.npz$/, ".npz");
    const main = byPath.get(mainPath);
    if (!main) {
      warnings.push(`${c.path}: per-seed companion without its cell file ${mainPath}; ignored`);
      continue;
    }
    merged.set(mainPath, c);
  }
  const cells = mains.map((m) => toCell(m.path, m.arrays, merged.get(m.path)));
  cells.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { cells, warnings };
}

function toCell(
  path: string,
  a: Map<string, NpyArray>,
  companion: { path: string; arrays: Map<string, NpyArray> } | undefined,
): CellRecord {
  const g = new Getter(path, a);
  const required = ["p", "steps", "logit_scale", "weight_norm"];
  const missing = required.filter((k) => !a.has(k));
  if (!a.has("T_grok_per_seed") && !companion?.arrays.has("T_grok_per_seed")) missing.push("T_grok_per_seed");
  if (missing.length > 0) {
    throw new Error(`${path}: not a grokscale cell archive (missing ${missing.join(", ")}; keys: ${[...a.keys()].join(", ")})`);
  }
  const segs = path.split("/");
  const base = segs[segs.length - 1]!;
  const folder = segs.length > 1 ? segs[segs.length - 2]! : "other";
  const experiment = folder; // dose | mediation | collapse | alloc | transformer | samestate | any other name, carried along

  let tGrok = a.has("T_grok_per_seed") ? g.ints("T_grok_per_seed") : null;
  let tMem = a.has("T_mem_per_seed") ? g.ints("T_mem_per_seed") : null;
  if (companion) {
    const cg = new Getter(companion.path, companion.arrays);
    for (const k of ["rho", "tau"] as const) {
      if (a.has(k) && companion.arrays.has(k) && Math.abs(g.num(k) - cg.num(k)) > 1e-9) {
        throw new Error(`${companion.path}: ${k} ${cg.num(k)} disagrees with ${path} (${g.num(k)})`);
      }
    }
    const cTg = companion.arrays.has("T_grok_per_seed") ? cg.ints("T_grok_per_seed") : null;
    const cTm = companion.arrays.has("T_mem_per_seed") ? cg.ints("T_mem_per_seed") : null;
    if (tGrok && cTg && !sameInts(tGrok, cTg)) throw new Error(`${companion.path}: T_grok_per_seed disagrees with ${path}`);
    if (tMem && cTm && !sameInts(tMem, cTm)) throw new Error(`${companion.path}: T_mem_per_seed disagrees with ${path}`);
    tGrok = tGrok ?? cTg;
    tMem = tMem ?? cTm;
  }
  const S = tGrok!.length;
  if (tMem && tMem.length !== S) throw new Error(`${path}: T_mem_per_seed has ${tMem.length} seeds, T_grok_per_seed ${S}`);
  const wn = a.has("wn_at_grok") ? g.nums("wn_at_grok") : null;
  if (wn && wn.length !== S) throw new Error(`${path}: wn_at_grok has ${wn.length} seeds, T_grok_per_seed ${S}`);
  const diverged = a.has("diverged") ? g.bool("diverged") : false;
  const seeds: SeedRecord[] = tGrok!.map((t, i) => {
    const grokked = t >= 0;
    const w = wn ? wn[i]! : null;
    return {
      seed: i,
      T_grok: grokked ? t : null,
      T_mem: tMem && tMem[i]! >= 0 ? tMem[i]! : null,
      norm_at_grok: grokked && w !== null && Number.isFinite(w) ? w : null,
      status: grokked ? "grokked" : diverged ? "diverged" : "censored",
    };
  });

  const arm = armOf(base, a.has("arm") ? g.str("arm") : null);
  const model = modelOf(path, base, a.has("arch") ? g.str("arch") : null);
  const loss = a.has("loss") ? g.str("loss") : "ce";
  if (loss !== "ce" && loss !== "mse") throw new Error(`${path}: unknown loss ${JSON.stringify(loss)}`);
  const dtypeRaw = a.has("dtype") ? g.str("dtype") : "float32";
  const dtype = /64/.test(dtypeRaw) ? "f64" : "f32";

  return {
    id: path,
    cell: path,
    source: "npz",
    experiment,
    model,
    p: g.num("p"),
    loss,
    rho: a.has("rho") ? g.num("rho") : 1,
    tau: a.has("tau") ? g.num("tau") : 1,
    gamma: arm === "alloc" && a.has("gamma") ? g.num("gamma") : null,
    arm,
    dtype,
    wd: a.has("lam") ? g.num("lam") : 1,
    t_fork: a.has("t_fork") ? g.num("t_fork") : null,
    seeds,
    series: seriesOf(path, g, a),
    ...configOf(g, a),
  };
}

/** The keys a released cell file must carry for its run config to be rebuilt. */
const CONFIG_KEYS = ["p", "alpha", "arch", "loss", "rho", "arm", "lam", "lr", "t_int", "max_steps", "d_model", "H", "batch_size", "n_train"];

/**
 * The cell's resolved run config from the file's keys: the clamp's w_c is the file's `wc_used` where its
 * `arm` clamps ("clamp", "alloc") and null where it runs free ("none"). Fields no file carries (op,
 * heads, Adam's betas and eps, the eval and log cadence) take the schema's defaults, the study's
 * settings (docs/study.md); an absent tau is 1, as in the record. Null with the reason where a needed key is absent or the config does not
 * resolve (the allocation clamp's theta0 and f_w1 are not in the release's files).
 */
function configOf(g: Getter, a: Map<string, NpyArray>): { config: RunConfig | null; config_reason: string | null } {
  const missing = CONFIG_KEYS.filter((k) => !a.has(k));
  const arm = a.has("arm") ? g.str("arm") : null;
  if (arm !== "none" && !a.has("wc_used")) missing.push("wc_used");
  if (missing.length > 0) return { config: null, config_reason: `the file does not carry ${missing.join(", ")}` };
  if (arm !== "clamp" && arm !== "alloc" && arm !== "none") return { config: null, config_reason: `its arm ${JSON.stringify(arm)} is not one a run config expresses from these keys` };
  const transformer = g.str("arch") !== "mlp";
  const width = transformer ? { d_model: g.num("d_model"), d_mlp: g.num("H"), layernorm: "none" } : { d_embed: g.num("d_model"), hidden: g.num("H") };
  const input = {
    p: g.num("p"),
    train_frac: g.num("alpha"),
    model: transformer ? "transformer" : "mlp",
    ...width,
    loss: g.str("loss"),
    tau: a.has("tau") ? g.num("tau") : 1, // as the record's tau: the dose files, all at τ 1, carry none
    rho: g.num("rho"),
    wc: arm === "none" ? null : g.num("wc_used"),
    t_int: g.num("t_int"),
    gamma: arm === "alloc" ? g.num("gamma") : null,
    lr: g.num("lr"),
    wd: g.num("lam"),
    batch_size: g.num("batch_size") === g.num("n_train") ? null : g.num("batch_size"),
    dtype: a.has("dtype") && /64/.test(g.str("dtype")) ? "f64" : "f32",
    steps: g.num("max_steps"),
  };
  try {
    return { config: resolveConfig(input), config_reason: null };
  } catch (e) {
    if (e instanceof ConfigError) return { config: null, config_reason: `its keys do not make a run config: ${e.message}` };
    throw e;
  }
}

/** The cell's role: the file name's role token where it has one, else the archive's `arm`. */
function armOf(base: string, arm: string | null): string {
  const name = base.replace(/\.npz$/, "");
  if (/(^|_)base(_|$)/.test(name)) return "base";
  if (/(^|_)up(_|$)/.test(name)) return "up";
  if (/(^|_)ctrl(_|$)/.test(name)) return "ctrl";
  if (/(^|_)free_wd/.test(name)) return "free";
  if (arm === null) return "unknown";
  if (arm === "none") return "free";
  return arm; // "clamp", "alloc", "clamp_same", "clamp_raised", "clamp_lowered", "free", ...
}

function modelOf(path: string, base: string, arch: string | null): "mlp" | "transformer" {
  if (arch === null) return base.startsWith("tf") ? "transformer" : "mlp";
  if (arch === "mlp") return "mlp";
  if (arch.startsWith("tf") || arch.startsWith("transformer")) return "transformer";
  throw new Error(`${path}: unknown arch ${JSON.stringify(arch)}`);
}

function seriesOf(path: string, g: Getter, a: Map<string, NpyArray>): CellSeries {
  const step = g.nums("steps");
  const vec = (k: string) => {
    const v = g.nums(k);
    if (v.length !== step.length) throw new Error(`${path}: series ${k} has ${v.length} points, steps ${step.length}`);
    return v;
  };
  const s: CellSeries = { step, logit_scale: vec("logit_scale"), weight_norm: vec("weight_norm") };
  if (a.has("frac_saturated")) s.frac_saturated = vec("frac_saturated");
  if (a.has("sc_frac")) s.collapse_rate = vec("sc_frac");
  if (a.has("train_acc")) s.train_acc = vec("train_acc");
  if (a.has("test_acc")) s.test_acc = vec("test_acc");
  const norms: Record<string, number[]> = {};
  for (const k of a.keys()) {
    if (k.startsWith("wn_") && k !== "wn_at_grok") norms[k.slice(3)] = vec(k);
  }
  if (Object.keys(norms).length > 0) s.norms = norms;
  return s;
}

function sameInts(x: number[], y: number[]): boolean {
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Typed access to an archive's arrays, with errors that name the file and key. */
class Getter {
  constructor(
    private path: string,
    private a: Map<string, NpyArray>,
  ) {}
  private get(k: string): NpyArray {
    const v = this.a.get(k);
    if (!v) throw new Error(`${this.path}: missing key ${k}`);
    return v;
  }
  num(k: string): number {
    const v = this.get(k);
    if (v.shape.length !== 0 || typeof v.values[0] !== "number") throw new Error(`${this.path}: ${k} is not a numeric scalar`);
    return v.values[0];
  }
  str(k: string): string {
    const v = this.get(k);
    if (v.shape.length !== 0 || typeof v.values[0] !== "string") throw new Error(`${this.path}: ${k} is not a string scalar`);
    return v.values[0];
  }
  bool(k: string): boolean {
    const v = this.get(k);
    if (v.shape.length !== 0) throw new Error(`${this.path}: ${k} is not a scalar`);
    return Boolean(v.values[0]);
  }
  nums(k: string): number[] {
    const v = this.get(k);
    if (v.shape.length !== 1 || v.values.some((x) => typeof x !== "number")) {
      throw new Error(`${this.path}: ${k} is not a numeric vector (shape (${v.shape.join(", ")}), dtype ${v.descr})`);
    }
    return v.values as number[];
  }
  ints(k: string): number[] {
    const v = this.nums(k);
    if (v.some((x) => !Number.isInteger(x))) throw new Error(`${this.path}: ${k} holds non-integer steps`);
    return v;
  }
}
