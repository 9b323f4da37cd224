// sin, cos, log and pow as fdlibm 5.3 computes them (Sun Microsystems' freely redistributable libm,
// which V8 ported for Math.* up to V8 11, Node 20), in float64 arithmetic only, so they give the same
// bits on every JavaScript engine. Newer engines (Chromium 156 here, Node ≥ 22) compute Math.cos, log
// and pow with other libms whose last bit often differs; the seeded initialisation, AdamW's bias
// corrections and the Fourier metric use these instead. sin/cos: |x| up to 2^19·π/2; pow: x ≥ 0.

const hi = new Float64Array(1);
const words = new Int32Array(hi.buffer);
/** The high 32 bits of a double (little-endian layout, as every engine we run on). */
function highWord(x: number): number {
  hi[0] = x;
  return words[1]!;
}
/** The low 32 bits of a double, unsigned. */
function lowWord(x: number): number {
  hi[0] = x;
  return words[0]! >>> 0;
}
/** The double with these high bits and a zero low word. */
function fromHigh(h: number): number {
  words[1] = h;
  words[0] = 0;
  return hi[0]!;
}
/** x with its high word replaced. */
function withHigh(x: number, h: number): number {
  hi[0] = x;
  words[1] = h;
  return hi[0]!;
}
/** x with its low word cleared. */
const clearLow = (x: number): number => fromHigh(highWord(x));

const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;

/** cos(x + y) for |x| ≤ π/4, y the tail of x. */
function kernelCos(x: number, y: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000 && Math.trunc(x) === 0) return 1; // |x| < 2^-27
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  const qx = ix > 0x3fe90000 ? 0.28125 : fromHigh(ix - 0x00200000); // x > 0.78125 ? 0.28125 : x/4
  const hz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (hz - (z * r - x * y));
}

const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;

/** sin(x + y) for |x| ≤ π/4, y the tail of x; tail says whether y is used. */
function kernelSin(x: number, y: number, tail: boolean): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000 && Math.trunc(x) === 0) return x;
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (!tail) return x + v * (S1 + z * r);
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

const INVPIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417;
const PIO2_1T = 6.07710050650619224932e-11;
const PIO2_2 = 6.07710050630396597660e-11;
const PIO2_2T = 2.02226624879595063154e-21;
const PIO2_3 = 2.02226624871116645580e-21;
const PIO2_3T = 8.47842766036889956997e-32;
/** high words of n·π/2, n = 1..32 */
const NPIO2_HW = [
  0x3ff921fb, 0x400921fb, 0x4012d97c, 0x401921fb, 0x401f6a7a, 0x4022d97c, 0x4025fdbb, 0x402921fb, 0x402c463a, 0x402f6a7a, 0x4031475c,
  0x4032d97c, 0x40346b9c, 0x4035fdbb, 0x40378fdb, 0x403921fb, 0x403ab41b, 0x403c463a, 0x403dd85a, 0x403f6a7a, 0x40407e4c, 0x4041475c,
  0x4042106c, 0x4042d97c, 0x4043a28c, 0x40446b9c, 0x404534ac, 0x4045fdbb, 0x4046c6cb, 0x40478fdb, 0x404858eb, 0x404921fb,
];

const red = [0, 0];
/** x = n·π/2 + red[0] + red[1]; returns n. */
function remPio2(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix <= 0x3fe921fb) {
    red[0] = x;
    red[1] = 0;
    return 0;
  }
  if (ix < 0x4002d97c) {
    // |x| < 3π/4: n = ±1
    const s = hx > 0 ? 1 : -1;
    let z = x - s * PIO2_1;
    if (ix !== 0x3ff921fb) {
      red[0] = z - s * PIO2_1T;
      red[1] = z - red[0] - s * PIO2_1T;
    } else {
      z -= s * PIO2_2;
      red[0] = z - s * PIO2_2T;
      red[1] = z - red[0] - s * PIO2_2T;
    }
    return s;
  }
  if (ix > 0x413921fb) throw new RangeError(`fdlibm: |x| = ${Math.abs(x)} is beyond the medium range (2^19·π/2)`);
  const t0 = Math.abs(x);
  const n = Math.trunc(t0 * INVPIO2 + 0.5);
  const fn = n;
  let r = t0 - fn * PIO2_1;
  let w = fn * PIO2_1T;
  if (n < 32 && ix !== NPIO2_HW[n - 1]) {
    red[0] = r - w;
  } else {
    const j = ix >> 20;
    red[0] = r - w;
    let i = j - ((highWord(red[0]) >> 20) & 0x7ff);
    if (i > 16) {
      let t = r;
      w = fn * PIO2_2;
      r = t - w;
      w = fn * PIO2_2T - (t - r - w);
      red[0] = r - w;
      i = j - ((highWord(red[0]) >> 20) & 0x7ff);
      if (i > 49) {
        t = r;
        w = fn * PIO2_3;
        r = t - w;
        w = fn * PIO2_3T - (t - r - w);
        red[0] = r - w;
      }
    }
  }
  red[1] = r - red[0] - w;
  if (hx < 0) {
    red[0] = -red[0];
    red[1] = -red[1];
    return -n;
  }
  return n;
}

export function cos(x: number): number {
  if (!Number.isFinite(x)) return Number.NaN;
  const n = remPio2(x) & 3;
  if ((highWord(x) & 0x7fffffff) <= 0x3fe921fb) return kernelCos(x, 0);
  switch (n) {
    case 0:
      return kernelCos(red[0]!, red[1]!);
    case 1:
      return -kernelSin(red[0]!, red[1]!, true);
    case 2:
      return -kernelCos(red[0]!, red[1]!);
    default:
      return kernelSin(red[0]!, red[1]!, true);
  }
}

export function sin(x: number): number {
  if (!Number.isFinite(x)) return Number.NaN;
  if ((highWord(x) & 0x7fffffff) <= 0x3fe921fb) return kernelSin(x, 0, false);
  const n = remPio2(x) & 3;
  switch (n) {
    case 0:
      return kernelSin(red[0]!, red[1]!, true);
    case 1:
      return kernelCos(red[0]!, red[1]!);
    case 2:
      return -kernelSin(red[0]!, red[1]!, true);
    default:
      return -kernelCos(red[0]!, red[1]!);
  }
}

const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const TWO54 = 1.8014398509481984e16;
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/** Natural logarithm (fdlibm's e_log.c). */
export function log(x: number): number {
  let hx = highWord(x);
  const lx = lowWord(x);
  let k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) === 0) return Number.NEGATIVE_INFINITY;
    if (hx < 0) return Number.NaN;
    k -= 54;
    x *= TWO54; // subnormal: scale up
    hx = highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  x = withHigh(x, hx | (i0 ^ 0x3ff00000)); // x or x/2 into [√2/2, √2)
  k += i0 >> 20;
  const f = x - 1;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - R : k * LN2_HI - (R - k * LN2_LO - f);
  }
  const s = f / (2 + f);
  const dk = k;
  const z = s * s;
  let i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  return k === 0 ? f - s * (f - R) : dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}

const BP = [1, 1.5];
const DP_H = [0, 5.84962487220764160156e-1];
const DP_L = [0, 1.35003920212974897128e-8];
const TWO53 = 9007199254740992;
const L1 = 5.99999999999994648725e-1;
const L2 = 4.28571428578550184252e-1;
const L3 = 3.33333329818377432918e-1;
const L4 = 2.72728123808534006489e-1;
const L5 = 2.30660745775561754067e-1;
const L6 = 2.06975017800338417784e-1;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;
const LG2_ = 6.93147180559945286227e-1;
const LG2_H = 6.93147182464599609375e-1;
const LG2_L = -1.90465429995776804525e-9;
const OVT = 8.0085662595372944372e-17;
const CP = 9.61796693925975554329e-1;
const CP_H = 9.61796700954437255859e-1;
const CP_L = -7.02846165095275826516e-9;
const IVLN2 = 1.44269504088896338700;
const IVLN2_H = 1.44269502162933349609;
const IVLN2_L = 1.92596299112661746887e-8;

/** z·2^n with one rounding (fdlibm's scalbn for the subnormal results of pow). */
function scalbn(z: number, n: number): number {
  if (n >= -1022) return z * fromHigh((n + 1023) << 20);
  return z * fromHigh((n + 54 + 1023) << 20) * fromHigh((1023 - 54) << 20);
}

/**
 * x^y for x ≥ 0 and finite y (fdlibm's e_pow.c as V8 ≤ 11 ported it: its last step divides z·t1 by
 * (t1 − 2) − (w + z·w), which the tests check bit for bit against Node 20's Math.pow). Negative or
 * non-finite x is refused.
 */
export function pow(x: number, y: number): number {
  if (!(x >= 0) || !Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`fdlibm pow: needs finite x ≥ 0 and finite y (got ${x}, ${y})`);
  const hx = highWord(x);
  const lx = lowWord(x);
  const hy = highWord(y);
  const ly = lowWord(y);
  let ix = hx & 0x7fffffff;
  const iy = hy & 0x7fffffff;
  if ((iy | ly) === 0) return 1;
  if (ly === 0) {
    if (iy === 0x3ff00000) return hy < 0 ? 1 / x : x;
    if (hy === 0x40000000) return x * x;
    if (hy === 0x3fe00000) return Math.sqrt(x); // sqrt is correctly rounded everywhere
  }
  let ax = Math.abs(x);
  if (lx === 0 && (ix === 0 || ix === 0x3ff00000)) return hy < 0 ? 1 / ax : ax;
  let t1: number;
  let t2: number;
  if (iy > 0x41e00000) {
    // |y| > 2^31
    if (iy > 0x43f00000) {
      if (ix <= 0x3fefffff) return hy < 0 ? Infinity : 0;
      if (ix >= 0x3ff00000) return hy > 0 ? Infinity : 0;
    }
    if (ix < 0x3fefffff) return hy < 0 ? Infinity : 0;
    if (ix > 0x3ff00000) return hy > 0 ? Infinity : 0;
    const t = ax - 1;
    const w = t * t * (0.5 - t * (0.3333333333333333333333 - t * 0.25));
    const u = IVLN2_H * t;
    const v = t * IVLN2_L - w * IVLN2;
    t1 = clearLow(u + v);
    t2 = v - (t1 - u);
  } else {
    let n = 0;
    if (ix < 0x00100000) {
      ax *= TWO53;
      n -= 53;
      ix = highWord(ax);
    }
    n += (ix >> 20) - 0x3ff;
    const j = ix & 0x000fffff;
    ix = j | 0x3ff00000;
    let k: number;
    if (j <= 0x3988e) k = 0;
    else if (j < 0xbb67a) k = 1;
    else {
      k = 0;
      n += 1;
      ix -= 0x00100000;
    }
    ax = withHigh(ax, ix);
    let u = ax - BP[k]!;
    let v = 1 / (ax + BP[k]!);
    const s = u * v;
    const sH = clearLow(s);
    let tH = fromHigh(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18));
    let tL = ax - (tH - BP[k]!);
    const sL = v * (u - sH * tH - sH * tL);
    let s2 = s * s;
    let r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
    r += sL * (sH + s);
    s2 = sH * sH;
    tH = clearLow(3 + s2 + r);
    tL = r - (tH - 3 - s2);
    u = sH * tH;
    v = sL * tH + tL * s;
    const pH = clearLow(u + v);
    const pL = v - (pH - u);
    const zH = CP_H * pH;
    const zL = CP_L * pH + pL * CP + DP_L[k]!;
    const t = n;
    t1 = clearLow(zH + zL + DP_H[k]! + t);
    t2 = zL - (t1 - t - DP_H[k]! - zH);
  }
  const y1 = clearLow(y);
  const pL = (y - y1) * t1 + y * t2;
  let pH = y1 * t1;
  let z = pL + pH;
  let j = highWord(z);
  const i = lowWord(z);
  if (j >= 0x40900000) {
    if (((j - 0x40900000) | i) !== 0) return Infinity;
    if (pL + OVT > z - pH) return Infinity;
  } else if ((j & 0x7fffffff) >= 0x4090cc00) {
    if (((j - (0xc090cc00 | 0)) | i) !== 0) return 0;
    if (pL <= z - pH) return 0;
  }
  const ia = j & 0x7fffffff;
  let k = (ia >> 20) - 0x3ff;
  let n = 0;
  if (ia > 0x3fe00000) {
    n = j + (0x00100000 >> (k + 1));
    k = ((n & 0x7fffffff) >> 20) - 0x3ff;
    const t = fromHigh(n & ~(0x000fffff >> k));
    n = ((n & 0x000fffff) | 0x00100000) >> (20 - k);
    if (j < 0) n = -n;
    pH -= t;
  }
  let t = clearLow(pL + pH);
  const u = t * LG2_H;
  const v = (pL - (t - pH)) * LG2_ + t * LG2_L;
  z = u + v;
  const w = v - (z - u);
  t = z * z;
  const tt = z - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const r = (z * tt) / (tt - 2 - (w + z * w));
  z = 1 - (r - z);
  j = highWord(z);
  j += n << 20;
  if (j >> 20 <= 0) return scalbn(z, n);
  return withHigh(z, j);
}
