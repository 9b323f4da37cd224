// Float32 transcendental functions on f32x4 lanes for the f32 build: expf, erf (through GELU) and the
// GELU kernels. Lane for lane the operations of src/kernels/math32.ts (its constants, its order), so
// the wasm and reference f32 results are identical bits. No FMA (relaxed-simd is off): every mul and
// add rounds, as in the reference. Tails (n not a multiple of 4) go through a zero-padded scratch vector.

import { scratchBase } from "./common";

// Constants are splats of literals (v128.const): V8 hoists them out of the loops and keeps them in
// registers or stack slots, where a load from a static table would be re-read into spilled registers.
// @ts-ignore: decorator
@inline const EXP_LO: f32 = -104;
// @ts-ignore: decorator
@inline const EXP_HI: f32 = 89;
// @ts-ignore: decorator
@inline const LOG2E: f32 = 1.4426950408889634;
// @ts-ignore: decorator
@inline const MAGIC: f32 = 12582912; // 1.5·2^23
// @ts-ignore: decorator
@inline const MAGIC_BITS: i32 = 0x4b400000;
// @ts-ignore: decorator
@inline const LN2_HI: f32 = 0.693359375;
// @ts-ignore: decorator
@inline const LN2_LO: f32 = -2.12194440e-4;
// @ts-ignore: decorator
@inline const P0: f32 = 1.98756915e-4;
// @ts-ignore: decorator
@inline const P1: f32 = 1.3981999507e-3;
// @ts-ignore: decorator
@inline const P2: f32 = 8.3334519073e-3;
// @ts-ignore: decorator
@inline const P3: f32 = 4.1665795894e-2;
// @ts-ignore: decorator
@inline const P4: f32 = 1.6666665459e-1;
// @ts-ignore: decorator
@inline const P5: f32 = 5.0000001201e-1;

// @ts-ignore: decorator
@inline function sp(c: f32): v128 {
  return f32x4.splat(c);
}

/** q·2^k for integral k ∈ [−150, 130] (as i32 lanes), in two exact-or-once-rounded products. */
// @ts-ignore: decorator
@inline function scale2k(q: v128, k: v128): v128 {
  const k1 = i32x4.shr_s(k, 1);
  const k2 = i32x4.sub(k, k1);
  const s1 = i32x4.shl(i32x4.add(k1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(k2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(q, s1), s2);
}

// vexpf's steps, each on constants its caller passes: vexpf splats literals, vexpf4 loads
// each constant once from a table and shares it between its chains.
// @ts-ignore: decorator
@inline function clampf(x: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(x, lo), hi); // x < lo ? lo : x, then hi < x ? hi : x
}
/** t = x·log2e + magic: k = round(x/ln2) in its low bits. */
// @ts-ignore: decorator
@inline function expfT(x: v128, l2e: v128, mg: v128): v128 {
  return f32x4.add(f32x4.mul(x, l2e), mg);
}
/** r = x − k·ln2 (in two parts), k = t − magic. */
// @ts-ignore: decorator
@inline function expfR(x: v128, t: v128, mg: v128, c1: v128, c2: v128): v128 {
  const k = f32x4.sub(t, mg);
  return f32x4.sub(f32x4.sub(x, f32x4.mul(k, c1)), f32x4.mul(k, c2));
}
/** (r²·p + r + 1)·2^k, k from t's low bits. */
// @ts-ignore: decorator
@inline function expfEnd(r: v128, p: v128, t: v128, one: v128): v128 {
  return scale2k(f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(r, r), p), r), one), i32x4.sub(t, i32x4.splat(MAGIC_BITS)));
}

/** exp(x) lane-wise in float32 arithmetic (≤ 1 ulp; exact mirror of math32.ts expf). */
// @ts-ignore: decorator
@inline export function vexpf(x0: v128): v128 {
  const x = clampf(x0, sp(EXP_LO), sp(EXP_HI));
  const t = expfT(x, sp(LOG2E), sp(MAGIC));
  const r = expfR(x, t, sp(MAGIC), sp(LN2_HI), sp(LN2_LO));
  let p = sp(P0);
  p = f32x4.add(f32x4.mul(p, r), sp(P1));
  p = f32x4.add(f32x4.mul(p, r), sp(P2));
  p = f32x4.add(f32x4.mul(p, r), sp(P3));
  p = f32x4.add(f32x4.mul(p, r), sp(P4));
  p = f32x4.add(f32x4.mul(p, r), sp(P5));
  return expfEnd(r, p, t, sp(1));
}

/** vexpf's constants as float32 table entries, for vexpf4 (loads, which its chains share). */
const EXPF = memory.data<f32>([EXP_LO, EXP_HI, LOG2E, MAGIC, LN2_HI, LN2_LO, P0, P1, P2, P3, P4, P5, 1]);

// @ts-ignore: decorator
@inline function kf(i: usize): v128 {
  return v128.load32_splat(EXPF + (i << 2));
}

/** vexpf of four vectors side by side (to out … out + 48): the same operations per lane as vexpf. */
// @ts-ignore: decorator
@inline export function vexpf4(a: v128, b: v128, c: v128, d: v128, out: usize): void {
  const lo = kf(0), hi = kf(1), l2e = kf(2), mg = kf(3), c1 = kf(4), c2 = kf(5);
  const xa = clampf(a, lo, hi), xb = clampf(b, lo, hi), xc = clampf(c, lo, hi), xd = clampf(d, lo, hi);
  const ta = expfT(xa, l2e, mg), tb = expfT(xb, l2e, mg), tc = expfT(xc, l2e, mg), td = expfT(xd, l2e, mg);
  const ra = expfR(xa, ta, mg, c1, c2), rb = expfR(xb, tb, mg, c1, c2);
  const rc = expfR(xc, tc, mg, c1, c2), rd = expfR(xd, td, mg, c1, c2);
  // Horner's steps written out, as in vmath.ts's expPoly4 (the f32 cross-entropy 3% faster on Zen 4)
  let pa = kf(6), pb = pa, pc = pa, pd = pa;
  let q = kf(7);
  pa = f32x4.add(f32x4.mul(pa, ra), q); pb = f32x4.add(f32x4.mul(pb, rb), q); pc = f32x4.add(f32x4.mul(pc, rc), q); pd = f32x4.add(f32x4.mul(pd, rd), q);
  q = kf(8);
  pa = f32x4.add(f32x4.mul(pa, ra), q); pb = f32x4.add(f32x4.mul(pb, rb), q); pc = f32x4.add(f32x4.mul(pc, rc), q); pd = f32x4.add(f32x4.mul(pd, rd), q);
  q = kf(9);
  pa = f32x4.add(f32x4.mul(pa, ra), q); pb = f32x4.add(f32x4.mul(pb, rb), q); pc = f32x4.add(f32x4.mul(pc, rc), q); pd = f32x4.add(f32x4.mul(pd, rd), q);
  q = kf(10);
  pa = f32x4.add(f32x4.mul(pa, ra), q); pb = f32x4.add(f32x4.mul(pb, rb), q); pc = f32x4.add(f32x4.mul(pc, rc), q); pd = f32x4.add(f32x4.mul(pd, rd), q);
  q = kf(11);
  pa = f32x4.add(f32x4.mul(pa, ra), q); pb = f32x4.add(f32x4.mul(pb, rb), q); pc = f32x4.add(f32x4.mul(pc, rc), q); pd = f32x4.add(f32x4.mul(pd, rd), q);
  const one = kf(12);
  v128.store(out, expfEnd(ra, pa, ta, one));
  v128.store(out, expfEnd(rb, pb, tb, one), 16);
  v128.store(out, expfEnd(rc, pc, tc, one), 32);
  v128.store(out, expfEnd(rd, pd, td, one), 48);
}

/**
 * exp(−z) for z ≥ −89 (or NaN): vexpf(−z) bit for bit without the negation. Round-to-nearest is
 * symmetric, so with rn = −r every step of vexpf is the same operation with a sign flipped
 * (a + r = a − rn, p·r = −(p·rn)), and the results are identical.
 */
// @ts-ignore: decorator
@inline function vexpNeg(z0: v128): v128 {
  const z = f32x4.pmin(z0, sp(-EXP_LO)); // −z < lo ⟺ z > −lo; −z > hi cannot happen
  const t = f32x4.sub(sp(MAGIC), f32x4.mul(z, sp(LOG2E)));
  const kf = f32x4.sub(t, sp(MAGIC));
  const k = i32x4.sub(t, i32x4.splat(MAGIC_BITS));
  const rn = f32x4.add(f32x4.add(z, f32x4.mul(kf, sp(LN2_HI))), f32x4.mul(kf, sp(LN2_LO)));
  let p = sp(P0);
  p = f32x4.sub(sp(P1), f32x4.mul(p, rn));
  p = f32x4.sub(sp(P2), f32x4.mul(p, rn));
  p = f32x4.sub(sp(P3), f32x4.mul(p, rn));
  p = f32x4.sub(sp(P4), f32x4.mul(p, rn));
  p = f32x4.sub(sp(P5), f32x4.mul(p, rn));
  const q = f32x4.add(f32x4.sub(f32x4.mul(f32x4.mul(rn, rn), p), rn), sp(1));
  return scale2k(q, k);
}

/** expf of one float32 (lane 0 of the vector function, so it is the same algorithm). */
// @ts-ignore: decorator
@inline export function expf1(x: f32): f32 {
  return f32x4.extract_lane(vexpf(f32x4.splat(x)), 0);
}

/** erf: A(z) for |t| < 1 and B(u) for |t| ≥ 1 (math32.ts's tables), highest degree first. */
// @ts-ignore: decorator
@inline const A0: f32 = 7.647126679848071e-5;
// @ts-ignore: decorator
@inline const A1: f32 = -7.94235927982237e-4;
// @ts-ignore: decorator
@inline const A2: f32 = 5.179749931646133e-3;
// @ts-ignore: decorator
@inline const A3: f32 = -2.6848591556739965e-2;
// @ts-ignore: decorator
@inline const A4: f32 = 1.1283430126250865e-1;
// @ts-ignore: decorator
@inline const A5: f32 = -3.7612605986281766e-1;
// @ts-ignore: decorator
@inline const A6: f32 = 1.2837915841100708e-1;
// @ts-ignore: decorator
@inline const B0: f32 = 1.068432143038131e-4;
// @ts-ignore: decorator
@inline const B1: f32 = 2.250628342232719e-4;
// @ts-ignore: decorator
@inline const B2: f32 = 5.433200463234138e-4;
// @ts-ignore: decorator
@inline const B3: f32 = -6.611205442319731e-4;
// @ts-ignore: decorator
@inline const B4: f32 = 2.302503120072486e-3;
// @ts-ignore: decorator
@inline const B5: f32 = -8.132251773597738e-3;
// @ts-ignore: decorator
@inline const B6: f32 = 2.4914625740701087e-2;
// @ts-ignore: decorator
@inline const B7: f32 = -7.434218675290777e-2;
// @ts-ignore: decorator
@inline const B8: f32 = 2.108076055336695e-1;
// @ts-ignore: decorator
@inline const SPLIT: f32 = 1;
// @ts-ignore: decorator
@inline const CLAMP: f32 = 4;
// @ts-ignore: decorator
@inline const MID: f32 = 2.5;
// @ts-ignore: decorator
@inline const SQRT1_2: f32 = 0.7071067811865476;
// @ts-ignore: decorator
@inline const INV_SQRT_2PI: f32 = 0.3989422804014327;

/**
 * GELU of four float32 lanes; with grad, also GELU'(x), stored at pd. The erf regions are both
 * computed and selected per lane (|t| < 1: t + t·A(t²); else ±(1 − e·B(min(|t|,4) − 2.5))).
 */
// @ts-ignore: decorator
@inline function gelu4(x: v128, grad: bool, pd: usize): v128 {
  const t = f32x4.mul(x, sp(SQRT1_2));
  const a = v128.and(t, i32x4.splat(0x7fffffff));
  const z = f32x4.mul(t, t);
  const e = vexpNeg(z);
  let p = sp(A0);
  p = f32x4.add(f32x4.mul(p, z), sp(A1));
  p = f32x4.add(f32x4.mul(p, z), sp(A2));
  p = f32x4.add(f32x4.mul(p, z), sp(A3));
  p = f32x4.add(f32x4.mul(p, z), sp(A4));
  p = f32x4.add(f32x4.mul(p, z), sp(A5));
  p = f32x4.add(f32x4.mul(p, z), sp(A6));
  const ea = f32x4.add(t, f32x4.mul(t, p));
  const u = f32x4.sub(f32x4.pmin(a, sp(CLAMP)), sp(MID)); // clamp < a ? clamp : a
  let s = sp(B0);
  s = f32x4.add(f32x4.mul(s, u), sp(B1));
  s = f32x4.add(f32x4.mul(s, u), sp(B2));
  s = f32x4.add(f32x4.mul(s, u), sp(B3));
  s = f32x4.add(f32x4.mul(s, u), sp(B4));
  s = f32x4.add(f32x4.mul(s, u), sp(B5));
  s = f32x4.add(f32x4.mul(s, u), sp(B6));
  s = f32x4.add(f32x4.mul(s, u), sp(B7));
  s = f32x4.add(f32x4.mul(s, u), sp(B8));
  const eb = v128.xor(f32x4.sub(sp(1), f32x4.mul(e, s)), v128.and(t, i32x4.splat(0x80000000))); // sign of t
  const g = f32x4.add(sp(1), v128.bitselect(ea, eb, f32x4.lt(a, sp(SPLIT))));
  if (grad) v128.store(pd, f32x4.add(f32x4.mul(sp(0.5), g), f32x4.mul(x, f32x4.mul(sp(INV_SQRT_2PI), e))));
  return f32x4.mul(f32x4.mul(x, sp(0.5)), g);
}

/** Scratch for tails: x, y, dydx vectors (the GEMM/softmax area; kernels never overlap in time). */
// @ts-ignore: decorator
@inline function tailBuf(): usize {
  return scratchBase + 64;
}

/** y = GELU(x) (and dydx = GELU'(x) when grad) over n float32 elements. */
// @ts-ignore: decorator
@inline function geluRun(n: i32, x: usize, y: usize, dydx: usize, grad: bool): void {
  let i = 0;
  // three vectors per iteration, all loaded first: 29% faster than one at a time on Zen 4 (two: 23%,
  // four: 8%; V8 spills more)
  for (; i + 12 <= n; i += 12) {
    const o = <usize>i << 2;
    const x0 = v128.load(x + o);
    const x1 = v128.load(x + o + 16);
    const x2 = v128.load(x + o + 32);
    const r0 = gelu4(x0, grad, dydx + o);
    const r1 = gelu4(x1, grad, dydx + o + 16);
    const r2 = gelu4(x2, grad, dydx + o + 32);
    v128.store(y + o, r0);
    v128.store(y + o + 16, r1);
    v128.store(y + o + 32, r2);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, gelu4(v128.load(x + o), grad, dydx + o));
  }
  if (i < n) {
    const b = tailBuf();
    const bytes = <usize>(n - i) << 2;
    const o = <usize>i << 2;
    v128.store(b, i32x4.splat(0));
    memory.copy(b, x + o, bytes);
    v128.store(b + 16, gelu4(v128.load(b), grad, b + 32));
    memory.copy(y + o, b + 16, bytes);
    if (grad) memory.copy(dydx + o, b + 32, bytes);
  }
}

export function geluForward32(n: i32, x: usize, y: usize): void {
  geluRun(n, x, y, 0, false);
}

export function geluForwardGrad32(n: i32, x: usize, y: usize, dydx: usize): void {
  geluRun(n, x, y, dydx, true);
}

/** gx = beta·gx + gy·GELU'(x), the product rounded first; GELU' from gelu4 through a 4-lane buffer. */
export function geluBackward32(n: i32, x: usize, gy: usize, gx: usize, beta: i32): void {
  const b = tailBuf();
  let i = 0;
  for (; i < n; i += 4) {
    const m = min(4, n - i);
    const o = <usize>i << 2;
    let xv: v128;
    if (m == 4) xv = v128.load(x + o);
    else {
      v128.store(b, i32x4.splat(0));
      memory.copy(b, x + o, <usize>m << 2);
      xv = v128.load(b);
    }
    gelu4(xv, true, b + 32);
    for (let j = 0; j < m; j++) {
      const q = o + (<usize>j << 2);
      const d = load<f32>(gy + q) * load<f32>(b + 32 + (<usize>j << 2));
      store<f32>(gx + q, beta ? load<f32>(gx + q) + d : d);
    }
  }
}
