// Test fixtures made by the project itself: a tiny .npy/.npz writer (the inverse of the reader under
// test, written from the NumPy format description) and CellRecord builders for hand-computed cases.
// Test support only; the library never writes .npz. No paper data here.

import { zipSync } from "fflate";
import type { CellRecord, SeedRecord } from "../../src/analysis/records.js";

export type NpyInput =
  | { descr: "<f4" | "<f8" | ">f8" | "<i8" | "<i4" | ">i4" | "|b1"; shape: number[]; values: (number | boolean)[]; fortran?: boolean }
  | { descr: `<U${number}`; shape: number[]; values: string[] };

/** Encode one array as .npy version 1.0 bytes. */
export function npyBytes(a: NpyInput): Uint8Array {
  const fortran = "fortran" in a && a.fortran === true;
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(", ")})`;
  let header = `{'descr': '${a.descr}', 'fortran_order': ${fortran ? "True" : "False"}, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const size = itemSize(a.descr);
  const body = new Uint8Array(size * a.values.length);
  const v = new DataView(body.buffer);
  a.values.forEach((x, i) => {
    const o = i * size;
    switch (a.descr) {
      case "<f4": v.setFloat32(o, x as number, true); break;
      case "<f8": v.setFloat64(o, x as number, true); break;
      case ">f8": v.setFloat64(o, x as number, false); break;
      case "<i8": v.setBigInt64(o, BigInt(x as number), true); break;
      case "<i4": v.setInt32(o, x as number, true); break;
      case ">i4": v.setInt32(o, x as number, false); break;
      case "|b1": v.setUint8(o, x ? 1 : 0); break;
      default: {
        const s = [...(x as string)];
        s.forEach((ch, j) => v.setUint32(o + 4 * j, ch.codePointAt(0)!, true));
      }
    }
  });
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}

function itemSize(descr: string): number {
  if (descr.startsWith("<U")) return 4 * Number(descr.slice(2));
  return Number(descr.slice(2));
}

type NpzValue = number | string | boolean | number[];

/** An .npz from plain values: integers become <i8, other numbers <f8 (vectors <f4 unless listed in ints), strings <U. */
export function npzBytes(arrays: Record<string, NpzValue>, ints: string[] = ["T_grok_per_seed", "T_mem_per_seed"]): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(arrays)) {
    let a: NpyInput;
    if (typeof v === "string") a = { descr: `<U${Math.max(1, v.length)}`, shape: [], values: [v] };
    else if (typeof v === "boolean") a = { descr: "|b1", shape: [], values: [v] };
    else if (typeof v === "number") a = { descr: Number.isInteger(v) ? "<i8" : "<f8", shape: [], values: [v] };
    else a = { descr: ints.includes(k) ? "<i8" : "<f4", shape: [v.length], values: v };
    files[`${k}.npy`] = npyBytes(a);
  }
  return zipSync(files);
}

/** Seeds from T_grok values (null = censored), optional T_mem and norms. */
export function seeds(tGrok: (number | null)[], tMem?: (number | null)[], norms?: (number | null)[]): SeedRecord[] {
  return tGrok.map((t, i) => ({
    seed: i,
    T_grok: t,
    T_mem: tMem ? tMem[i]! : 100,
    norm_at_grok: t === null ? null : norms ? norms[i]! : null,
    status: t === null ? "censored" : "grokked",
  }));
}

/** A cell with sensible defaults; series default to a constant L at steps 0, 50, ..., 100000. */
export function cell(over: Partial<CellRecord> & { L?: number | ((step: number) => number) }): CellRecord {
  const { L, ...rest } = over;
  const step = Array.from({ length: 2001 }, (_, i) => i * 50);
  const Lf = typeof L === "function" ? L : () => L ?? 10;
  const id = rest.id ?? `test/${rest.experiment ?? "mediation"}_${rest.arm ?? "base"}_p${rest.p ?? 59}_rho${rest.rho ?? 1}_tau${rest.tau ?? 1}`;
  return {
    id,
    cell: id,
    source: "store",
    experiment: "mediation",
    model: "mlp",
    p: 59,
    loss: "ce",
    rho: 1,
    tau: 1,
    gamma: null,
    arm: "base",
    dtype: "f32",
    wd: 1,
    t_fork: null,
    seeds: seeds([100, 100, 100]),
    series: { step, logit_scale: step.map(Lf), weight_norm: step.map(() => 50) },
    config: null,
    config_reason: "a hand-made test cell",
    ...rest,
  };
}
