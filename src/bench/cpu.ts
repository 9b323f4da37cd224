// What machine a benchmark ran on: the CPU's model name, vendor family and model numbers, and the SIMD
// extensions it reports (from /proc/cpuinfo on Linux; os.cpus() elsewhere), the core count and Node's
// version. Ratios between machines differ with these (e.g. AVX-512 helps PyTorch more than wasm SIMD).

import { readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";

export interface CpuInfo {
  model: string;
  /** "cpu family" of /proc/cpuinfo (AMD: 25 = Zen 3/4, 26 = Zen 5); null where unknown */
  family: number | null;
  /** "model" of /proc/cpuinfo; null where unknown */
  modelNumber: number | null;
  /** SIMD extensions among the CPU flags, e.g. sse4_2 avx avx2 fma avx512f */
  simd: string[];
  cores: number;
  node: string;
}

const SIMD_FLAGS = ["sse4_1", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512vl", "avx512_bf16", "avx512_fp16", "avx_vnni", "neon", "asimd", "sve"];

/** Parses the first processor block of a /proc/cpuinfo text. */
export function parseCpuinfo(text: string): Omit<CpuInfo, "cores" | "node"> {
  const first = text.split(/\n\s*\n/)[0] ?? "";
  const field = (name: string): string | null => {
    const m = first.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, "m"));
    return m ? m[1]!.trim() : null;
  };
  const num = (s: string | null): number | null => (s !== null && /^\d+$/.test(s) ? Number(s) : null);
  const flags = new Set((field("flags") ?? field("Features") ?? "").split(/\s+/));
  return {
    model: field("model name") ?? "unknown",
    family: num(field("cpu family")),
    modelNumber: num(field("model")),
    simd: SIMD_FLAGS.filter((f) => flags.has(f)),
  };
}

export function cpuInfo(): CpuInfo {
  let parsed: Omit<CpuInfo, "cores" | "node">;
  try {
    parsed = parseCpuinfo(readFileSync("/proc/cpuinfo", "utf8"));
  } catch {
    parsed = { model: cpus()[0]?.model ?? "unknown", family: null, modelNumber: null, simd: [] };
  }
  return { ...parsed, cores: availableParallelism(), node: process.version };
}

/** One line: "AMD EPYC (family 25 model 17), 2 cores, sse4_2 avx avx2 fma avx512f, Node v20.20.2". */
export function describeCpu(c: CpuInfo): string {
  const fam = c.family !== null ? ` (family ${c.family}${c.modelNumber !== null ? ` model ${c.modelNumber}` : ""})` : "";
  return `${c.model}${fam}, ${c.cores} cores, SIMD ${c.simd.join(" ") || "unknown"}, Node ${c.node}`;
}
