// The float32 algorithms of math32.ts against correctly rounded results: expf and erff within 1 ulp
// over dense samples of their ranges, GELU close to the float64 GELU, and softmax collapse happening
// exactly where it happens with a correctly rounded expf (Math.fround(Math.exp(x))); fmaf against
// exact integer arithmetic.

import { describe, expect, it } from "vitest";
import { erf, gelu } from "../../src/kernels/erf.js";
import { erff, expf, fmaf, gelu32 } from "../../src/kernels/math32.js";
import { referenceKernels } from "../../src/kernels/reference.js";

const F = new Float32Array(1);
const I = new Int32Array(F.buffer);
const bits = (x: number): number => ((F[0] = x), I[0]!);
const fromBits = (i: number): number => ((I[0] = i), F[0]!);
/** Distance in float32 steps (ulps) between two float32 values. */
const ulps = (a: number, b: number): number => {
  const o = (x: number) => {
    const i = bits(x);
    return i < 0 ? -(i & 0x7fffffff) : i;
  };
  return Math.abs(o(a) - o(b));
};

/** Max ulp error of f against want over the float32 values in [lo, hi] (same sign), every stride-th. */
function maxUlps(f: (x: number) => number, want: (x: number) => number, lo: number, hi: number, stride: number): number {
  let worst = 0;
  const step = lo < 0 ? -stride : stride; // towards larger magnitude for positive, smaller for negative
  for (let x = Math.fround(lo); x <= hi; x = fromBits(bits(x) + step)) {
    const u = ulps(f(x), Math.fround(want(x)));
    if (u > worst) worst = u;
  }
  return worst;
}

describe("float32 expf", () => {
  it("is within 1 ulp of the correctly rounded exp on [-104, 89]", () => {
    expect(maxUlps(expf, Math.exp, -104, -1e-30, 61)).toBeLessThanOrEqual(1);
    expect(maxUlps(expf, Math.exp, 1e-30, 89, 61)).toBeLessThanOrEqual(1);
    expect(maxUlps(expf, Math.exp, -17.5, -13, 1)).toBeLessThanOrEqual(1); // every float32 where softmax collapse is decided
  });
  it("handles the ends of its range", () => {
    expect(expf(0)).toBe(1);
    expect(expf(-0)).toBe(1);
    expect(expf(-Infinity)).toBe(0);
    expect(expf(-104)).toBe(0);
    expect(expf(-103.9)).toBe(Math.fround(Math.exp(-103.9))); // a subnormal, rounded once
    expect(expf(-90)).toBe(Math.fround(Math.exp(-90)));
    expect(expf(89)).toBe(Infinity);
    expect(expf(Infinity)).toBe(Infinity);
    expect(expf(Math.fround(88.72))).toBe(Math.fround(Math.exp(Math.fround(88.72))));
    expect(Number.isNaN(expf(NaN))).toBe(true);
  });
});

describe("float32 erff", () => {
  it("is within 1 ulp of the correctly rounded erf, both regions and the tails", () => {
    expect(maxUlps(erff, erf, 1e-38, 1e-3, 97)).toBeLessThanOrEqual(1);
    expect(maxUlps(erff, erf, 1e-3, 6, 7)).toBeLessThanOrEqual(1);
    expect(maxUlps(erff, erf, -6, -1e-3, 7)).toBeLessThanOrEqual(1);
    expect(erff(0)).toBe(0);
    expect(erff(10)).toBe(1);
    expect(erff(-10)).toBe(-1);
    expect(erff(Infinity)).toBe(1);
    expect(Number.isNaN(erff(NaN))).toBe(true);
  });
  it("GELU in PyTorch's float32 form is close to the float64 GELU", () => {
    for (let x = -6; x <= 6; x += 1 / 64) {
      const xf = Math.fround(x);
      const g = gelu32(xf);
      // relative to x/2 (1 + erf carries absolute float32 error for negative x, as in PyTorch)
      expect(Math.abs(g - gelu(xf))).toBeLessThanOrEqual(4 * 2 ** -24 * Math.max(Math.abs(xf) / 2, 2 ** -20));
    }
  });
});

describe("softmax collapse with expf equals collapse with a correctly rounded exp", () => {
  const k32 = referenceKernels("f32");
  const r = Math.fround;
  const crExp = (x: number) => r(Math.exp(x));
  /**
   * The documented float32 log-softmax (PyTorch's order; fewer than 16 classes sum left to right),
   * exp correctly rounded: [collapsed (softmax p_y ≥ 1), dz_label] of one row.
   */
  const crRow = (z: number[], y: number): [number, number] => {
    const m = Math.max(...z);
    const xm = z.map((v) => r(v - m));
    let s = crExp(xm[0]!);
    for (let k = 1; k < xm.length; k++) s = r(s + crExp(xm[k]!));
    const p = crExp(r(xm[y]! - r(Math.log(s))));
    return [r(crExp(xm[y]!) * r(1 / s)) >= 1 ? 1 : 0, r(p - 1)];
  };
  const kernelRow = (z: number[], y: number): [number, number, number] => {
    const zz = Float32Array.from(z);
    const dz = new Float32Array(z.length);
    k32.softmaxCrossEntropy(1, z.length, zz, Int32Array.of(y), 1, dz, 1);
    const st = k32.logitStats(1, z.length, zz, Int32Array.of(y), 1, "ce");
    return [st.collapsed, dz[y]!, st.saturated];
  };

  it("logits [0, 17] and [0, 16.5], label 1", () => {
    for (const g of [17, 16.5]) {
      const [c, d] = crRow([0, g], 1);
      const [collapsed, dzy] = kernelRow([0, g], 1);
      expect(collapsed).toBe(c);
      expect(dzy).toBe(d);
    }
  });
  it("sweeps of margins: two, three and many classes", () => {
    let collapsedRows = 0;
    let rows = 0;
    for (let g = 10; g <= 22; g += 1 / 512) {
      for (const z of [[0, g], [0, g, g - 1.5], [-2, g, 0.25, g - 3, 1]] as number[][]) {
        const zf = z.map(r);
        const [c, d] = crRow(zf, 1);
        const [collapsed, dzy] = kernelRow(zf, 1);
        expect(collapsed).toBe(c);
        expect(dzy === 0).toBe(d === 0); // exactly zero gradient exactly when collapsed
        expect(Math.abs(dzy - d)).toBeLessThanOrEqual(2 ** -23); // otherwise within an ulp of p_y ≤ 1
        collapsedRows += collapsed;
        rows++;
      }
    }
    // the sweep crosses the threshold: some rows collapse, some do not
    expect(collapsedRows).toBeGreaterThan(0);
    expect(collapsedRows).toBeLessThan(rows);
  });
});

describe("float32 fmaf", () => {
  /** A finite float32 x as [m, e] with x = m·2^e exactly (m an integer). */
  const split = (x: number): [bigint, number] => {
    const i = bits(x);
    const ex = (i >>> 23) & 0xff;
    const m = BigInt((i & 0x7fffff) | (ex ? 0x800000 : 0));
    return [i < 0 ? -m : m, (ex || 1) - 150];
  };
  /** a·b + c rounded once to float32 (nearest, ties to even), from exact integers. */
  const exactFma = (a: number, b: number, c: number): number => {
    const [ma, ea] = split(a);
    const [mb, eb] = split(b);
    const [mc, ec] = split(c);
    const e = Math.min(ea + eb, ec);
    const n = ((ma * mb) << BigInt(ea + eb - e)) + (mc << BigInt(ec - e));
    if (n === 0n) return a * b + c; // the sign of an exact zero as IEEE gives it
    const mag = n < 0n ? -n : n;
    const q = Math.max(mag.toString(2).length + e - 24, -149); // exponent of the float32 ulp there
    let r = mag;
    if (q > e) {
      const sh = BigInt(q - e);
      const half = 1n << (sh - 1n);
      const rem = mag & ((1n << sh) - 1n);
      r = mag >> sh;
      if (rem > half || (rem === half && (r & 1n) === 1n)) r += 1n;
    } else r = mag << BigInt(e - q);
    const v = Number(r) * 2 ** q;
    return Math.fround(n < 0n ? -v : v);
  };
  it("equals the exactly rounded a·b + c, hard cases included", () => {
    let state = 7;
    const rnd = () => ((state = (state * 1103515245 + 12345) % 2147483648), state / 2147483648);
    const f = Math.fround;
    let differs = 0;
    for (let i = 0; i < 50000; i++) {
      const a = f((rnd() - 0.5) * 2 ** Math.floor(rnd() * 40 - 20));
      const b = f((rnd() - 0.5) * 2 ** Math.floor(rnd() * 40 - 20));
      // c near −a·b (cancellation), or far smaller/larger (double-rounding territory)
      const pick = rnd();
      const c = pick < 0.4 ? f(-a * b * (1 + (rnd() - 0.5) * 2 ** -20)) : f((rnd() - 0.5) * 2 ** Math.floor(rnd() * 60 - 30));
      const want = exactFma(a, b, c);
      expect(fmaf(a, b, c), `fma(${a}, ${b}, ${c})`).toBe(want);
      if (want !== f(a * b + c)) differs++;
    }
    // a·b = h(1 − 2⁻⁴⁶) with h half an ulp of c (odd last bit): float64 rounds c + a·b to the float32
    // midpoint, which a second rounding then sends the wrong way; one rounding gives c
    for (let e = -20; e <= 20; e++) {
      for (const sg of [1, -1]) {
        const c = f(sg * (1 + 3 * 2 ** -23) * 2 ** e);
        const a = f((1 + 2 ** -23) * 2 ** (e - 24));
        const b = f(sg * (1 - 2 ** -23));
        expect(exactFma(a, b, c)).toBe(c);
        expect(fmaf(a, b, c)).toBe(c);
        if (f(a * b + c) !== c) differs++;
      }
    }
    expect(differs).toBeGreaterThanOrEqual(82); // every constructed case would have rounded twice wrongly
  });
});
