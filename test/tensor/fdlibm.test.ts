// fdlibm sin/cos/log/pow (src/base/fdlibm.ts) against references we did not write: Node 20's Math
// (V8 11 computes them with its own port of fdlibm; bit for bit there), and on any engine values within
// an ulp of its Math on arguments spanning the ranges the trainer uses, and exact special values.
import { describe, expect, it } from "vitest";
import { cos, log, pow, sin } from "../../src/base/fdlibm.js";
import { Rng } from "../../src/base/rng.js";

const fdlibmEngine = Number(process.versions.v8.split(".")[0]) <= 11;

function args(): number[] {
  const r = new Rng(7, "fdlibm-test");
  const xs: number[] = [];
  for (let i = 0; i < 200_000; i++) xs.push(2 * Math.PI * r.uniform()); // Box-Muller's range
  for (let i = 0; i < 100_000; i++) xs.push((r.uniform() - 0.5) * 2e6); // the medium range
  for (let p = 2; p <= 400; p++) for (let j = 0; j < p; j++) xs.push((2 * Math.PI * j) / p); // the Fourier tables
  xs.push(0, -0, 1e-300, -1e-9, Math.PI / 4, Math.PI / 2, -Math.PI / 2, Math.PI, (3 * Math.PI) / 4, 1e5, -1e5);
  return xs;
}

const ulp = (x: number) => {
  const b = new Float64Array([Math.abs(x)]);
  const u = new BigUint64Array(b.buffer);
  u[0]! += 1n;
  return b[0]! - Math.abs(x);
};

/** (x, y) pairs: AdamW's β^t for the betas people use, and spreads of bases and exponents. */
function powArgs(): Array<[number, number]> {
  const r = new Rng(11, "fdlibm-pow");
  const out: Array<[number, number]> = [];
  for (const b of [0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 0.5, 0]) for (let t = 1; t <= 50_000; t += 1) out.push([b, t]);
  for (let i = 0; i < 100_000; i++) out.push([10 * r.uniform(), 200 * (r.uniform() - 0.5)]);
  for (let i = 0; i < 20_000; i++) out.push([r.uniform() * 1e-305, 3 * r.uniform()]); // subnormal and tiny bases
  for (let i = 0; i < 20_000; i++) out.push([r.uniform(), 3e9 * r.uniform()]); // |y| > 2^31
  out.push([2, -1074], [2, 1023], [2, 1024], [1, 5], [0, 3], [0, -3], [4, 0.5], [3, 2], [7, -1]);
  return out;
}

function logArgs(): number[] {
  const r = new Rng(13, "fdlibm-log");
  const out: number[] = [];
  for (let i = 0; i < 200_000; i++) out.push(r.uniform()); // Box-Muller's range
  for (let i = 0; i < 50_000; i++) out.push(1e6 * r.uniform());
  out.push(1, 2, 0.5, 5e-324, 1e-310, 1 + 2 ** -30, 1 - 2 ** -40, Number.MAX_VALUE);
  return out;
}

describe("fdlibm log and pow", () => {
  it.skipIf(!fdlibmEngine)("equal this engine's Math.log/Math.pow bit for bit (V8 11 ports fdlibm)", () => {
    expect(logArgs().filter((x) => !Object.is(log(x), Math.log(x)))).toEqual([]);
    expect(powArgs().filter(([x, y]) => !Object.is(pow(x, y), Math.pow(x, y)))).toEqual([]);
  });

  it("are within one ulp of Math.log/Math.pow on any engine, with the exact special values", () => {
    expect(logArgs().filter((x) => Math.abs(log(x) - Math.log(x)) > ulp(Math.log(x)))).toEqual([]);
    expect(powArgs().filter(([x, y]) => Math.abs(pow(x, y) - Math.pow(x, y)) > ulp(Math.pow(x, y)))).toEqual([]);
    expect(log(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(log(-1)).toBeNaN();
    expect(log(1)).toBe(0);
    expect(pow(2, 10)).toBe(1024);
    expect(pow(2, -1074)).toBe(5e-324);
    expect(pow(2, 1024)).toBe(Infinity);
    expect(pow(0, -1)).toBe(Infinity);
    expect(() => pow(-2, 2)).toThrow(/x ≥ 0/);
  });
});

describe("fdlibm sin and cos", () => {
  it.skipIf(!fdlibmEngine)("equal this engine's Math.sin/Math.cos bit for bit (V8 < 12.2 ports fdlibm)", () => {
    let diffs = 0;
    for (const x of args()) if (!Object.is(cos(x), Math.cos(x)) || !Object.is(sin(x), Math.sin(x))) diffs++;
    expect(diffs).toBe(0);
  });

  it("are within one ulp of Math.sin/Math.cos on any engine", () => {
    const far: number[] = [];
    for (const x of args()) {
      if (Math.abs(cos(x) - Math.cos(x)) > ulp(Math.cos(x)) || Math.abs(sin(x) - Math.sin(x)) > ulp(Math.sin(x))) far.push(x);
    }
    expect(far).toEqual([]);
  });

  it("give the exact special values and refuse what they do not cover", () => {
    expect(Object.is(sin(-0), -0)).toBe(true);
    expect(cos(0)).toBe(1);
    expect(sin(Math.PI / 6)).toBeCloseTo(0.5, 15);
    expect(cos(Number.NaN)).toBeNaN();
    expect(sin(Number.POSITIVE_INFINITY)).toBeNaN();
    expect(() => cos(1e7)).toThrow(/medium range/);
  });
});
