// The float32 transcendental algorithms of the f32 path, scalar, every operation rounded to float32
// (Math.fround): expf, erff and the GELU built on them. The wasm f32 build (assembly/math32.ts) runs
// the same operations lane-wise in f32x4, so the two agree bit for bit. Accuracy against correctly
// rounded results, checked on every float32: expf ≤ 1 ulp on [-104, 89] (0.8% not correctly rounded),
// erff ≤ 1 ulp on [-4.5, 4.5] and exactly ±1 beyond (test/kernels/math32.test.ts samples this).

const f = Math.fround;
const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);

function bitsOf(x: number): number {
  F32[0] = x;
  return I32[0]!;
}
function fromBits(i: number): number {
  I32[0] = i;
  return F32[0]!;
}

// --- expf: Cody-Waite reduction x = k·ln2 + r (|r| ≤ ln2/2), e^r = 1 + r + r²·P(r) (Cephes expf's
// degree-5 P), then ·2^k as two factors 2^⌊k/2⌋·2^(k−⌊k/2⌋) so subnormal results round once.
/** Clamp bounds: exp(−104) rounds to 0 and exp(89) overflows, so clamping changes no result. */
export const EXP_LO = -104;
export const EXP_HI = 89;
export const LOG2E = f(1.4426950408889634);
/** 1.5·2^23: adding it rounds to an integer (nearest, ties to even), which its low bits then hold. */
export const ROUND_MAGIC = 12582912;
/** ln 2 = C1 + C2, C1 with 9 significant bits so k·C1 is exact. */
export const LN2_HI = 0.693359375;
export const LN2_LO = f(-2.12194440e-4);
/** P(r), highest degree first. */
export const EXP_P = [1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1].map(f);
const MAGIC_BITS = bitsOf(ROUND_MAGIC);

/** exp(x) in float32 arithmetic; x is a float32 value. pmin/pmax semantics: NaN passes through. */
export function expf(x: number): number {
  x = x < EXP_LO ? EXP_LO : x; // f32x4.pmax(x, LO)
  x = EXP_HI < x ? EXP_HI : x; // f32x4.pmin(x, HI)
  const t = f(f(x * LOG2E) + ROUND_MAGIC);
  const kf = f(t - ROUND_MAGIC);
  const k = (bitsOf(t) - MAGIC_BITS) | 0;
  const r = f(f(x - f(kf * LN2_HI)) - f(kf * LN2_LO));
  let p = EXP_P[0]!;
  for (let i = 1; i < EXP_P.length; i++) p = f(f(p * r) + EXP_P[i]!);
  const q = f(f(f(f(r * r) * p) + r) + 1);
  const k1 = k >> 1;
  const k2 = k - k1;
  return f(f(q * fromBits((k1 + 127) << 23)) * fromBits((k2 + 127) << 23));
}

// --- erff: two regions, selected per element. |t| < 1: erf = t + t·A(t²) (A of degree 6).
// |t| ≥ 1: erf = ±(1 − e·B(min(|t|, 4) − 2.5)) with e = exp(−t²) and B ≈ erfcx of degree 8 (a fit
// that minimises the absolute error of erfc); erf rounds to ±1 well before |t| = 4.
/** A(z), highest degree first. */
export const ERF_A = [
  7.647126679848071e-5, -7.94235927982237e-4, 5.179749931646133e-3, -2.6848591556739965e-2,
  1.1283430126250865e-1, -3.7612605986281766e-1, 1.2837915841100708e-1,
].map(f);
/** B(u), highest degree first. */
export const ERF_B = [
  1.068432143038131e-4, 2.250628342232719e-4, 5.433200463234138e-4, -6.611205442319731e-4,
  2.302503120072486e-3, -8.132251773597738e-3, 2.4914625740701087e-2, -7.434218675290777e-2,
  2.108076055336695e-1,
].map(f);
export const ERF_SPLIT = 1;
export const ERF_CLAMP = 4;
export const ERF_MID = 2.5;

/** erf(t) from t, z = t·t and e = expf(−z) (callers that need e anyway compute it once). */
function erfWith(t: number, z: number, e: number): number {
  const a = Math.abs(t);
  let p = ERF_A[0]!;
  for (let i = 1; i < ERF_A.length; i++) p = f(f(p * z) + ERF_A[i]!);
  if (a < ERF_SPLIT) return f(t + f(t * p));
  const u = f((ERF_CLAMP < a ? ERF_CLAMP : a) - ERF_MID);
  let s = ERF_B[0]!;
  for (let i = 1; i < ERF_B.length; i++) s = f(f(s * u) + ERF_B[i]!);
  const eb = f(1 - f(e * s));
  return t < 0 ? -eb : eb;
}

/** erf(t) in float32 arithmetic; t is a float32 value. */
export function erff(t: number): number {
  const z = f(t * t);
  return erfWith(t, z, expf(-z));
}

// --- GELU in PyTorch's float32 form: y = (x·½)·(1 + erf(x·√½)); GELU'(x) = ½·(1 + erf(t)) + x·(β·e)
// with β = 1/√(2π) and e = exp(−t²) = exp(−x²/2), t = x·√½ rounded.
export const SQRT1_2 = f(Math.SQRT1_2);
export const INV_SQRT_2PI = f(0.3989422804014327);

/** GELU(x) of a float32 value, in float32 arithmetic. */
export function gelu32(x: number): number {
  const t = f(x * SQRT1_2);
  const z = f(t * t);
  const g = f(1 + erfWith(t, z, expf(-z)));
  return f(f(x * 0.5) * g);
}

/** GELU(x) and GELU'(x) of a float32 value, written to out[0] and out[1]. */
export function geluAndGrad32(x: number, out: [number, number]): void {
  const t = f(x * SQRT1_2);
  const z = f(t * t);
  const e = expf(-z);
  const g = f(1 + erfWith(t, z, e));
  out[0] = f(f(x * 0.5) * g);
  out[1] = f(f(0.5 * g) + f(x * f(INV_SQRT_2PI * e)));
}

// --- fmaf: a·b + c rounded once to float32, for float32 a, b, c. a·b is exact in float64; the sum is
// made exact enough by rounding it to odd (TwoSum error → sticky last bit), after which one rounding to
// float32 is correct (53 ≥ 24 + 2). PyTorch's vectorised add(alpha) and addcmul are fused multiply-adds.
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** fma(a, b, c) in float32: a·b + c with a single rounding. */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  let s = p + c;
  const bb = s - p;
  const err = p - (s - bb) + (c - bb);
  if (err !== 0) {
    F64[0] = s;
    if ((U32[0]! & 1) === 0) {
      // move one ulp toward the exact value: away from zero when err has s's sign
      if (err > 0 === s > 0) U32[0] = U32[0]! + 1;
      else if (U32[0] === 0) {
        U32[0] = 0xffffffff;
        U32[1] = U32[1]! - 1;
      } else U32[0] = U32[0]! - 1;
      s = F64[0]!;
    }
  }
  return f(s);
}
