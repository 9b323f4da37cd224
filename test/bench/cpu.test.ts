// bench/cpu.ts's /proc/cpuinfo parsing on excerpts of the two CPU kinds the project runs on.
import { describe, expect, it } from "vitest";
import { describeCpu, parseCpuinfo } from "../../src/bench/cpu.js";

const ZEN3 = `processor\t: 0
vendor_id\t: AuthenticAMD
cpu family\t: 25
model\t\t: 1
model name\t: AMD EPYC 7B13
flags\t\t: fpu vme sse sse2 ssse3 fma cx16 sse4_1 sse4_2 avx f16c avx2 bmi2

processor\t: 1
cpu family\t: 99
`;
const ZEN4 = `processor : 0
cpu family : 25
model : 17
model name : AMD EPYC
flags : sse4_1 sse4_2 avx avx2 fma avx512f avx512dq avx512vl avx512_bf16
`;

describe("cpuinfo", () => {
  it("reads model, family, model number and SIMD flags from the first processor", () => {
    expect(parseCpuinfo(ZEN3)).toEqual({ model: "AMD EPYC 7B13", family: 25, modelNumber: 1, simd: ["sse4_1", "sse4_2", "avx", "avx2", "fma"] });
    expect(parseCpuinfo(ZEN4).simd).toEqual(["sse4_1", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512vl", "avx512_bf16"]);
  });

  it("unknown fields stay unknown", () => {
    const c = parseCpuinfo("processor : 0\n");
    expect(c).toEqual({ model: "unknown", family: null, modelNumber: null, simd: [] });
    expect(describeCpu({ ...c, cores: 2, node: "v20" })).toBe("unknown, 2 cores, SIMD unknown, Node v20");
  });
});
