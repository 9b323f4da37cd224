// The exact GELU for the wasm backend: GELU(x) = ½·x·erfc(−x/√2) and GELU'(x) = Φ(x) + x·φ(x), with
// fdlibm's erfc in float64 — the algorithm of src/kernels/erf.ts, so both backends agree to an ulp or two
// (exp differs). Pairs of lanes with |x| < 8.4 run as f64x2: the forward kernels group lanes by branch
// region (see geluFwdRun), the backward kernel evaluates every region some lane of a pair needs and
// selects; other pairs, NaN included, take the scalar port. f64 build only: the f32 build's GELU is
// math32.ts.

import { scratchBase } from "./common";
import { expK, expKHiLo, expPoly4, expR, expRHiLo, kv, madd, vexp, vexp2, vexp4, vexpHiLo, vexpHiLo2 } from "./vmath";

const erx: f64 = 8.45062911510467529297e-1;
const pp0: f64 = 1.28379167095512558561e-1, pp1: f64 = -3.25042107247001499370e-1, pp2: f64 = -2.84817495755985104766e-2;
const pp3: f64 = -5.77027029648944159157e-3, pp4: f64 = -2.37630166566501626084e-5;
const qq1: f64 = 3.97917223959155352819e-1, qq2: f64 = 6.50222499887672944485e-2, qq3: f64 = 5.08130628187576562776e-3;
const qq4: f64 = 1.32494738004321644526e-4, qq5: f64 = -3.96022827877536812320e-6;
const pa0: f64 = -2.36211856075265944077e-3, pa1: f64 = 4.14856118683748331666e-1, pa2: f64 = -3.72207876035701323847e-1;
const pa3: f64 = 3.18346619901161753674e-1, pa4: f64 = -1.10894694282396677476e-1, pa5: f64 = 3.54783043256182359371e-2;
const pa6: f64 = -2.16637559486879084300e-3;
const qa1: f64 = 1.06420880400844228286e-1, qa2: f64 = 5.40397917702171048937e-1, qa3: f64 = 7.18286544141962662868e-2;
const qa4: f64 = 1.26171219808761642112e-1, qa5: f64 = 1.36370839120290507362e-2, qa6: f64 = 1.19844998467991074170e-2;
const ra0: f64 = -9.86494403484714822705e-3, ra1: f64 = -6.93858572707181764372e-1, ra2: f64 = -1.05586262253232909814e1;
const ra3: f64 = -6.23753324503260060396e1, ra4: f64 = -1.62396669462573470355e2, ra5: f64 = -1.84605092906711035994e2;
const ra6: f64 = -8.12874355063065934246e1, ra7: f64 = -9.81432934416914548592e0;
const sa1: f64 = 1.96512716674392571292e1, sa2: f64 = 1.37657754143519042600e2, sa3: f64 = 4.34565877475229228821e2;
const sa4: f64 = 6.45387271733267880336e2, sa5: f64 = 4.29008140027567833386e2, sa6: f64 = 1.08635005541779435134e2;
const sa7: f64 = 6.57024977031928170135e0, sa8: f64 = -6.04244152148580987438e-2;
const rb0: f64 = -9.86494292470009928597e-3, rb1: f64 = -7.99283237680523006574e-1, rb2: f64 = -1.77579549177547519889e1;
const rb3: f64 = -1.60636384855821916062e2, rb4: f64 = -6.37566443368389627722e2, rb5: f64 = -1.02509513161107724954e3;
const rb6: f64 = -4.83519191608651397019e2;
const sb1: f64 = 3.03380607434824582924e1, sb2: f64 = 3.25792512996573918826e2, sb3: f64 = 1.53672958608443695994e3;
const sb4: f64 = 3.19985821950859553908e3, sb5: f64 = 2.55305040643316442583e3, sb6: f64 = 4.74528541206955367215e2;
const sb7: f64 = -2.24409524465858183362e1;
const tiny: f64 = 1e-300;

// @ts-ignore: decorator
@inline function tail(ax: f64, ix: i32, bound: i32): f64 {
  const s = 1 / (ax * ax);
  let R: f64, Sv: f64;
  if (ix < bound) {
    R = ra0 + s * (ra1 + s * (ra2 + s * (ra3 + s * (ra4 + s * (ra5 + s * (ra6 + s * ra7))))));
    Sv = 1 + s * (sa1 + s * (sa2 + s * (sa3 + s * (sa4 + s * (sa5 + s * (sa6 + s * (sa7 + s * sa8)))))));
  } else {
    R = rb0 + s * (rb1 + s * (rb2 + s * (rb3 + s * (rb4 + s * (rb5 + s * rb6)))));
    Sv = 1 + s * (sb1 + s * (sb2 + s * (sb3 + s * (sb4 + s * (sb5 + s * (sb6 + s * sb7))))));
  }
  const z = reinterpret<f64>(reinterpret<u64>(ax) & 0xffffffff00000000);
  return (Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + R / Sv)) / ax;
}

/** fdlibm erfc, scalar, for lanes outside the vector path. */
function erfc(x: f64): f64 {
  const hx = <i32>(reinterpret<u64>(x) >> 32);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) return x != x ? x : x > 0 ? 0 : 2;
  if (ix < 0x3feb0000) {
    // |x| < 0.84375
    if (ix < 0x3c700000) return 1 - x;
    const z = x * x;
    const r = pp0 + z * (pp1 + z * (pp2 + z * (pp3 + z * pp4)));
    const s = 1 + z * (qq1 + z * (qq2 + z * (qq3 + z * (qq4 + z * qq5))));
    const y = r / s;
    if (hx < 0x3fd00000) return 1 - (x + x * y); // x < 1/4
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ix < 0x3ff40000) {
    // 0.84375 ≤ |x| < 1.25
    const s = Math.abs(x) - 1;
    const P = pa0 + s * (pa1 + s * (pa2 + s * (pa3 + s * (pa4 + s * (pa5 + s * pa6)))));
    const Q = 1 + s * (qa1 + s * (qa2 + s * (qa3 + s * (qa4 + s * (qa5 + s * qa6)))));
    return hx >= 0 ? 1 - erx - P / Q : 1 + (erx + P / Q);
  }
  if (ix < 0x403c0000) {
    // |x| < 28
    if (hx < 0 && ix >= 0x40180000) return 2 - tiny; // x < −6
    const r = tail(Math.abs(x), ix, 0x4006db6d);
    return hx > 0 ? r : 2 - r;
  }
  return hx > 0 ? tiny * tiny : 2 - tiny;
}

const SQRT1_2: f64 = 0.7071067811865476;
const INV_SQRT_2PI: f64 = 0.3989422804014327;

// Vector constants live in static tables (see vmath.ts for why).
const P1 = memory.data<f64>([pp0, pp1, pp2, pp3, pp4]);
const Q1 = memory.data<f64>([qq1, qq2, qq3, qq4, qq5]);
const P2 = memory.data<f64>([pa0, pa1, pa2, pa3, pa4, pa5, pa6]);
const Q2 = memory.data<f64>([qa1, qa2, qa3, qa4, qa5, qa6]);
const RA = memory.data<f64>([ra0, ra1, ra2, ra3, ra4, ra5, ra6, ra7]);
const RB = memory.data<f64>([rb0, rb1, rb2, rb3, rb4, rb5, rb6, 0]); // zero-padded to RA's length
const SA = memory.data<f64>([sa1, sa2, sa3, sa4, sa5, sa6, sa7, sa8]);
const SB = memory.data<f64>([sb1, sb2, sb3, sb4, sb5, sb6, sb7, 0]);
/** 1, ½, ¼, 1 − erx, erx, 2, 0.5625, 0.84375, 1.25, the 1/0.35 boundary (high word 0x4006db6d). */
const MISC = memory.data<f64>([1, 0.5, 0.25, 1 - erx, erx, 2, 0.5625, 0.84375, 1.25, 2.8571414947509766]);
const HIGH_MASK = memory.data<u64>([0xffffffff00000000]);

// @ts-ignore: decorator
@inline function m(i: usize): v128 {
  return kv(MISC + (i << 3));
}
/** erfc for |t| < 0.84375. */
// @ts-ignore: decorator
@inline function erfc1(t: v128): v128 {
  const z = f64x2.mul(t, t);
  const r = madd(kv(P1), z, madd(kv(P1 + 8), z, madd(kv(P1 + 16), z, madd(kv(P1 + 24), z, kv(P1 + 32)))));
  const s = madd(m(0), z, madd(kv(Q1), z, madd(kv(Q1 + 8), z, madd(kv(Q1 + 16), z, madd(kv(Q1 + 24), z, kv(Q1 + 32))))));
  return erfc1End(t, f64x2.div(r, s));
}

/** erfc1's last steps, from y = r/s. */
// @ts-ignore: decorator
@inline function erfc1End(t: v128, y: v128): v128 {
  const ty = f64x2.mul(t, y);
  const lo = f64x2.sub(m(0), f64x2.add(t, ty));
  const hi = f64x2.sub(m(1), f64x2.add(ty, f64x2.sub(t, m(1))));
  return v128.bitselect(lo, hi, f64x2.lt(t, m(2)));
}

/** erfc1 of four pairs side by side (t0 to out, t1 to out + 16, …): the same operations per lane. */
// @ts-ignore: decorator
@inline function erfc1x4(t0: v128, t1: v128, t2: v128, t3: v128, out: usize): void {
  const z0 = f64x2.mul(t0, t0), z1 = f64x2.mul(t1, t1), z2 = f64x2.mul(t2, t2), z3 = f64x2.mul(t3, t3);
  let r0 = kv(P1 + 32), r1 = r0, r2 = r0, r3 = r0, s0 = kv(Q1 + 32), s1 = s0, s2 = s0, s3 = s0;
  for (let i = 3; i >= 0; i--) {
    const o = <usize>i << 3;
    const cp = kv(P1 + o), cq = kv(Q1 + o);
    r0 = madd(cp, z0, r0);
    s0 = madd(cq, z0, s0);
    r1 = madd(cp, z1, r1);
    s1 = madd(cq, z1, s1);
    r2 = madd(cp, z2, r2);
    s2 = madd(cq, z2, s2);
    r3 = madd(cp, z3, r3);
    s3 = madd(cq, z3, s3);
  }
  const one = m(0);
  s0 = madd(one, z0, s0);
  s1 = madd(one, z1, s1);
  s2 = madd(one, z2, s2);
  s3 = madd(one, z3, s3);
  v128.store(out, erfc1End(t0, f64x2.div(r0, s0)));
  v128.store(out, erfc1End(t1, f64x2.div(r1, s1)), 16);
  v128.store(out, erfc1End(t2, f64x2.div(r2, s2)), 32);
  v128.store(out, erfc1End(t3, f64x2.div(r3, s3)), 48);
}

/** erfc for 0.84375 ≤ |t| < 1.25. */
// @ts-ignore: decorator
@inline function erfc2(t: v128, a: v128): v128 {
  const s = f64x2.sub(a, m(0));
  const P = madd(kv(P2), s, madd(kv(P2 + 8), s, madd(kv(P2 + 16), s, madd(kv(P2 + 24), s,
    madd(kv(P2 + 32), s, madd(kv(P2 + 40), s, kv(P2 + 48)))))));
  const Q = madd(m(0), s, madd(kv(Q2), s, madd(kv(Q2 + 8), s, madd(kv(Q2 + 16), s,
    madd(kv(Q2 + 24), s, madd(kv(Q2 + 32), s, kv(Q2 + 40)))))));
  return erfc2End(t, P, Q);
}

/** erfc2's last steps, from P and Q. */
// @ts-ignore: decorator
@inline function erfc2End(t: v128, P: v128, Q: v128): v128 {
  const pq = f64x2.div(P, Q);
  const pos = f64x2.sub(m(3), pq);
  const neg = f64x2.add(m(0), f64x2.add(m(4), pq));
  return v128.bitselect(pos, neg, f64x2.ge(t, f64x2.splat(0)));
}

/** erfc2 of two pairs side by side (t0 to out, t1 to out + 16): the same operations per lane. */
// @ts-ignore: decorator
@inline function erfc2x2(t0: v128, a0: v128, t1: v128, a1: v128, out: usize): void {
  const s0 = f64x2.sub(a0, m(0)), s1 = f64x2.sub(a1, m(0));
  const top = kv(P2 + 48), c5 = kv(P2 + 40);
  let p0 = madd(c5, s0, top), p1 = madd(c5, s1, top), q0 = kv(Q2 + 40), q1 = q0;
  for (let i = 4; i >= 0; i--) {
    const o = <usize>i << 3;
    const cp = kv(P2 + o), cq = kv(Q2 + o);
    p0 = madd(cp, s0, p0);
    q0 = madd(cq, s0, q0);
    p1 = madd(cp, s1, p1);
    q1 = madd(cq, s1, q1);
  }
  q0 = madd(m(0), s0, q0);
  q1 = madd(m(0), s1, q1);
  v128.store(out, erfc2End(t0, p0, q0));
  v128.store(out, erfc2End(t1, p1, q1), 16);
}

/** Coefficient i of table A where mask, else of table B. */
// @ts-ignore: decorator
@inline function pick(A: usize, B: usize, i: usize, mask: v128): v128 {
  return v128.bitselect(kv(A + (i << 3)), kv(B + (i << 3)), mask);
}

/**
 * R/S of the erfc tail, s = 1/a²: coefficients from tables TRA and TSA, or per lane from them where b
 * and from TRB and TSB elsewhere when mixed (coef).
 */
// @ts-ignore: decorator
@inline function tailRatio(s: v128, TRA: usize, TRB: usize, TSA: usize, TSB: usize, b: v128, mixed: bool): v128 {
  let R = coef(TRA, TRB, 7, b, mixed);
  for (let i: usize = 6; i != <usize>-1; i--) R = madd(coef(TRA, TRB, i, b, mixed), s, R);
  let S = coef(TSA, TSB, 7, b, mixed);
  for (let i: usize = 6; i != <usize>-1; i--) S = madd(coef(TSA, TSB, i, b, mixed), s, S);
  S = madd(m(0), s, S);
  return f64x2.div(R, S);
}

/**
 * erfc for 1.25 ≤ |t| < 6; the two coefficient sets (|t| below or above 1/0.35) are picked per lane
 * when the lanes differ (the same arithmetic either way).
 */
// @ts-ignore: decorator
@inline function erfc3(t: v128, a: v128): v128 {
  const s = f64x2.div(m(0), f64x2.mul(a, a));
  const b = f64x2.lt(a, m(9));
  let RS: v128;
  if (i64x2.all_true(b)) RS = tailRatio(s, RA, RA, SA, SA, b, false);
  else if (!v128.any_true(b)) RS = tailRatio(s, RB, RB, SB, SB, b, false);
  else RS = tailRatio(s, RA, RB, SA, SB, b, true);
  return erfc3End(t, a, vexpHiLo(tailHi(a), tailLo(a, RS)));
}

// exp(−z²−0.5625)·exp((z−a)(z+a)+R/S) as one exp(hi + lo): −z²−0.5625 is exact (z, a's high word, has
// 21 significant bits)
// @ts-ignore: decorator
@inline function tailHi(a: v128): v128 {
  const z = v128.and(a, kv(HIGH_MASK));
  return f64x2.sub(f64x2.mul(f64x2.neg(z), z), m(6));
}
// @ts-ignore: decorator
@inline function tailLo(a: v128, RS: v128): v128 {
  const z = v128.and(a, kv(HIGH_MASK));
  return f64x2.add(f64x2.mul(f64x2.sub(z, a), f64x2.add(z, a)), RS);
}
/** erfc3's last steps, from e = exp(hi + lo). */
// @ts-ignore: decorator
@inline function erfc3End(t: v128, a: v128, e: v128): v128 {
  const r = f64x2.div(e, a);
  return v128.bitselect(r, f64x2.sub(m(5), r), f64x2.gt(t, f64x2.splat(0)));
}

/** Coefficient i of table A, or per lane of A where mask and B elsewhere when mixed. */
// @ts-ignore: decorator
@inline function coef(A: usize, B: usize, i: usize, mask: v128, mixed: bool): v128 {
  return mixed ? pick(A, B, i, mask) : kv(A + (i << 3));
}

/** tailRatio of two pairs side by side (to out and out + 16), coefficients from coef. */
// @ts-ignore: decorator
@inline function tailRatio2(s0: v128, s1: v128, TRA: usize, TRB: usize, TSA: usize, TSB: usize, b0: v128, b1: v128, mixed: bool, out: usize): void {
  let R0 = coef(TRA, TRB, 7, b0, mixed), R1 = coef(TRA, TRB, 7, b1, mixed);
  let S0 = coef(TSA, TSB, 7, b0, mixed), S1 = coef(TSA, TSB, 7, b1, mixed);
  for (let i: usize = 6; i != <usize>-1; i--) {
    R0 = madd(coef(TRA, TRB, i, b0, mixed), s0, R0);
    S0 = madd(coef(TSA, TSB, i, b0, mixed), s0, S0);
    R1 = madd(coef(TRA, TRB, i, b1, mixed), s1, R1);
    S1 = madd(coef(TSA, TSB, i, b1, mixed), s1, S1);
  }
  S0 = madd(m(0), s0, S0);
  S1 = madd(m(0), s1, S1);
  v128.store(out, f64x2.div(R0, S0));
  v128.store(out, f64x2.div(R1, S1), 16);
}

/**
 * erfc3 of two pairs side by side (t0 to out, t1 to out + 16), each pair's coefficient sets picked per
 * lane (the same values, so the same operations, as erfc3's single-set paths); with grad, the exps of
 * GELU', exp(−v²/2), ride along in the same four-chain polynomial (to out + 32 and out + 48).
 */
// @ts-ignore: decorator
@inline function erfc3x2(t0: v128, a0: v128, t1: v128, a1: v128, grad: bool, v0: v128, v1: v128, out: usize): void {
  const s0 = f64x2.div(m(0), f64x2.mul(a0, a0)), s1 = f64x2.div(m(0), f64x2.mul(a1, a1));
  const b0 = f64x2.lt(a0, m(9)), b1 = f64x2.lt(a1, m(9));
  // R/S of both pairs to out and out + 16; one coefficient set for all four lanes, as a rule
  if (i64x2.all_true(v128.and(b0, b1))) tailRatio2(s0, s1, RA, RA, SA, SA, b0, b1, false, out);
  else if (!v128.any_true(v128.or(b0, b1))) tailRatio2(s0, s1, RB, RB, SB, SB, b0, b1, false, out);
  else tailRatio2(s0, s1, RA, RB, SA, SB, b0, b1, true, out);
  const hi0 = tailHi(a0), lo0 = tailLo(a0, v128.load(out));
  const hi1 = tailHi(a1), lo1 = tailLo(a1, v128.load(out, 16));
  if (grad) {
    const g0 = phiArg(v0), g1 = phiArg(v1);
    const k0 = expKHiLo(hi0, lo0), k1 = expKHiLo(hi1, lo1), k2 = expK(g0), k3 = expK(g1);
    expPoly4(expRHiLo(hi0, lo0, k0), k0, expRHiLo(hi1, lo1, k1), k1, expR(g0, k2), k2, expR(g1, k3), k3, out);
  } else vexpHiLo2(hi0, lo0, hi1, lo1, out);
  v128.store(out, erfc3End(t0, a0, v128.load(out)));
  v128.store(out, erfc3End(t1, a1, v128.load(out, 16)), 16);
}

/** erfc lane-wise for |t| < 6 (no NaN); a region's code runs only when one of the lanes is in it. */
// @ts-ignore: decorator
@inline function erfcV(t: v128): v128 {
  const a = f64x2.abs(t);
  const in1 = f64x2.lt(a, m(7));
  if (i64x2.all_true(in1)) return erfc1(t);
  const in2 = f64x2.lt(a, m(8));
  let r = f64x2.splat(0);
  if (v128.any_true(in1)) r = erfc1(t);
  if (v128.any_true(v128.andnot(in2, in1))) r = v128.bitselect(r, erfc2(t, a), in1);
  if (!i64x2.all_true(in2)) r = v128.bitselect(r, erfc3(t, a), in2);
  return r;
}

function geluS(x: f64): f64 {
  return 0.5 * x * erfc(-x * SQRT1_2);
}
function geluGradS(x: f64): f64 {
  return 0.5 * erfc(-x * SQRT1_2) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

// Constants of the branch regions above are table loads (V8 rematerialises a v128.const at every use
// inside a branch); the unconditional code below uses literal splats, which V8 keeps out of the loops.
// @ts-ignore: decorator
@inline function c(v: f64): v128 {
  return f64x2.splat(v);
}

/** Both lanes within the vector path's limit, |x| < 8.4 (|x|/√2 < 6 keeps erfc off its x < −6 and underflow cases). */
// @ts-ignore: decorator
@inline function inRange(x: v128): bool {
  return i64x2.all_true(f64x2.lt(f64x2.abs(x), c(8.4)));
}

/** −v²/2, the argument of GELU′'s exp, as (−½·v)·v. */
// @ts-ignore: decorator
@inline function phiArg(v: v128): v128 {
  return f64x2.mul(f64x2.mul(c(-0.5), v), v);
}

/** GELU of two float64 lanes in range (|x| < 8.4). */
// @ts-ignore: decorator
@inline function geluPair(x: v128): v128 {
  return f64x2.mul(f64x2.mul(c(0.5), x), erfcV(f64x2.mul(x, c(-SQRT1_2))));
}

/** GELU'(x) of two float64 lanes in range. */
// @ts-ignore: decorator
@inline function geluGradPair(x: v128): v128 {
  const phi = vexp(phiArg(x));
  return f64x2.add(f64x2.mul(c(0.5), erfcV(f64x2.mul(x, c(-SQRT1_2)))), f64x2.mul(f64x2.mul(x, c(INV_SQRT_2PI)), phi));
}

/** GELU of two float64 lanes in range, and GELU' stored at pd, from one erfc. */
// @ts-ignore: decorator
@inline function geluBothPair(x: v128, pd: usize): v128 {
  const ec = erfcV(f64x2.mul(x, c(-SQRT1_2)));
  const phi = vexp(phiArg(x));
  v128.store(pd, f64x2.add(f64x2.mul(c(0.5), ec), f64x2.mul(f64x2.mul(x, c(INV_SQRT_2PI)), phi)));
  return f64x2.mul(f64x2.mul(c(0.5), x), ec);
}

// The loops below run the vector code on pairs in range and only note the others (no calls inside, so
// V8 keeps the constants out of the loop); pairs out of range — rare, NaN included — and an odd last
// element then take the scalar port, both lanes of a pair together as before.

/** Whether the pair at x + o is in the vector path's range. */
// @ts-ignore: decorator
@inline function pairOk(x: usize, o: usize): bool {
  return inRange(v128.load(x + o));
}

// geluForward64 and geluForwardGrad64 run the pairs in range four at a time through region 1's code
// (erfc1x4) and the exp of GELU' (vexp4), side by side, and store the results. Lanes outside region 1
// (about one in ten in training) are put, offset and x, on the list of their region (2 or 3) first; at
// the end of each chunk of CHUNK elements each list runs as pairs of its lanes through its region's code
// alone and overwrites their results. A lane's bits are those of its region's code in either case, so
// the same as evaluating every region its pair needs and selecting (the code is element-wise). A pair
// with a lane out of range, NaN included, leaves both lanes to the scalar port after the loop (its
// partner pair in the group takes the one-pair code); so does an odd last element.

/**
 * Elements per chunk: 512 rather than 128 made geluForwardGrad64 over p = 59's hidden layer 9% faster
 * (Zen 4; longer lists run with fewer calls and more pairs in flight).
 */
// @ts-ignore: decorator
@inline const CHUNK: i32 = 512;
/** List k (2, 3) at scratchBase + 64: CHUNK + 2 u32 byte offsets, then as many float64 x. */
// @ts-ignore: decorator
@inline function offs(k: i32): usize {
  return scratchBase + 64 + <usize>((k - 2) * (CHUNK + 2) * 12);
}
// @ts-ignore: decorator
@inline function xs(k: i32): usize {
  return offs(k) + <usize>((CHUNK + 2) * 4);
}
/** 256 bytes after the lists (scratchBase + 12416 … + 12672, below hidden.ts's rows at + 16384). */
// @ts-ignore: decorator
@inline function pairBuf(): usize {
  return scratchBase + ((64 + <usize>(2 * (CHUNK + 2) * 12) + 63) & ~63);
}

/** y (and dydx when grad) of the pair v with erfc ec and exp(−v²/2) phi, stored at y + o (dydx + o). */
// @ts-ignore: decorator
@inline function storeBoth(grad: bool, v: v128, ec: v128, phi: v128, y: usize, dydx: usize, o: usize): void {
  if (grad) v128.store(dydx + o, f64x2.add(f64x2.mul(c(0.5), ec), f64x2.mul(f64x2.mul(v, c(INV_SQRT_2PI)), phi)));
  v128.store(y + o, f64x2.mul(f64x2.mul(c(0.5), v), ec));
}

/** One pair in range through the per-pair code: GELU to y + o (and GELU' to dydx + o when grad). */
// @ts-ignore: decorator
@inline function onePair(grad: bool, v: v128, y: usize, dydx: usize, o: usize): void {
  v128.store(y + o, grad ? geluBothPair(v, dydx + o) : geluPair(v));
}

/**
 * List k's cnt lanes (cnt > 0) through region k's code, two pairs side by side (erfc2x2, erfc3x2; a
 * last pair with itself), results to their offsets.
 */
// @ts-ignore: decorator
@inline function runList(k: i32, cnt: usize, y: usize, dydx: usize, grad: bool): void {
  const lo = offs(k), lx = xs(k);
  if (cnt & 1) {
    // pad to a pair with the last lane again
    store<u32>(lo + (cnt << 2), load<u32>(lo + (cnt << 2) - 4));
    store<f64>(lx + (cnt << 3), load<f64>(lx + (cnt << 3) - 8));
  }
  const e = pairBuf(); // the pairs' erfc, then their exp(−v²/2)
  const r = pairBuf() + 128; // the pairs' GELU, then their GELU'
  for (let j: usize = 0; j < cnt; j += 4) {
    const v0 = v128.load(lx + (j << 3));
    const two = j + 2 < cnt;
    const v1 = two ? v128.load(lx + (j << 3), 16) : v0;
    const t0 = f64x2.mul(v0, c(-SQRT1_2)), t1 = f64x2.mul(v1, c(-SQRT1_2));
    if (k == 2) {
      erfc2x2(t0, f64x2.abs(t0), t1, f64x2.abs(t1), e);
      if (grad) vexp2(phiArg(v0), phiArg(v1), e + 32);
    } else erfc3x2(t0, f64x2.abs(t0), t1, f64x2.abs(t1), grad, v0, v1, e);
    storeBoth(grad, v0, v128.load(e), v128.load(e, 32), r, r + 32, 0);
    storeBoth(grad, v1, v128.load(e, 16), v128.load(e, 48), r, r + 32, 16);
    const lanes: usize = two ? 4 : 2;
    for (let h: usize = 0; h < lanes; h++) {
      const o = <usize>load<u32>(lo + ((j + h) << 2));
      store<f64>(y + o, load<f64>(r + (h << 3)));
      if (grad) store<f64>(dydx + o, load<f64>(r + 32 + (h << 3)));
    }
  }
}

/** Bit 2j + h set when lane h of a_j (j < 4) is below bound. */
// @ts-ignore: decorator
@inline function below8(a0: v128, a1: v128, a2: v128, a3: v128, bound: v128): i32 {
  return i64x2.bitmask(f64x2.lt(a0, bound)) | (i64x2.bitmask(f64x2.lt(a1, bound)) << 2) |
    (i64x2.bitmask(f64x2.lt(a2, bound)) << 4) | (i64x2.bitmask(f64x2.lt(a3, bound)) << 6);
}

// @ts-ignore: decorator
@inline function geluFwdRun(n: i32, x: usize, y: usize, dydx: usize, grad: bool): void {
  const even = n & ~1;
  let any = false;
  const buf = pairBuf(); // 128 bytes: four exp pairs, four erfc pairs
  const o2 = offs(2), x2 = xs(2), o3 = offs(3), x3 = xs(3);
  for (let c0 = 0; c0 < even; c0 += CHUNK) {
    const c1 = min(c0 + CHUNK, even);
    let n2: usize = 0, n3: usize = 0;
    let i = c0;
    for (; i + 8 <= c1; i += 8) {
      const o = <usize>i << 3;
      const v0 = v128.load(x + o), v1 = v128.load(x + o, 16), v2 = v128.load(x + o, 32), v3 = v128.load(x + o, 48);
      if (!(inRange(v0) && inRange(v1) && inRange(v2) && inRange(v3))) {
        for (let j: usize = 0; j < 64; j += 16) {
          const v = v128.load(x + o + j);
          if (inRange(v)) onePair(grad, v, y, dydx, o + j);
          else any = true;
        }
        continue;
      }
      const t0 = f64x2.mul(v0, c(-SQRT1_2)), t1 = f64x2.mul(v1, c(-SQRT1_2));
      const t2 = f64x2.mul(v2, c(-SQRT1_2)), t3 = f64x2.mul(v3, c(-SQRT1_2));
      const a0 = f64x2.abs(t0), a1 = f64x2.abs(t1), a2 = f64x2.abs(t2), a3 = f64x2.abs(t3);
      const b1 = below8(a0, a1, a2, a3, m(7));
      if (b1 != 255) {
        // lanes outside region 1 onto their lists (before y is stored: y may be x)
        const in2 = below8(a0, a1, a2, a3, m(8)) & ~b1;
        let out = ~b1 & 255;
        do {
          const h = ctz(out);
          out &= out - 1;
          const oh = <u32>(o + (<usize>h << 3));
          const xh = load<f64>(x + o + (<usize>h << 3));
          store<u32>(o2 + (n2 << 2), oh);
          store<f64>(x2 + (n2 << 3), xh);
          store<u32>(o3 + (n3 << 2), oh);
          store<f64>(x3 + (n3 << 3), xh);
          const k2 = <usize>((in2 >> h) & 1);
          n2 += k2;
          n3 += k2 ^ 1;
        } while (out);
      }
      if (grad) vexp4(phiArg(v0), phiArg(v1), phiArg(v2), phiArg(v3), buf);
      erfc1x4(t0, t1, t2, t3, buf + 64);
      storeBoth(grad, v0, v128.load(buf, 64), v128.load(buf), y, dydx, o);
      storeBoth(grad, v1, v128.load(buf, 80), v128.load(buf, 16), y, dydx, o + 16);
      storeBoth(grad, v2, v128.load(buf, 96), v128.load(buf, 32), y, dydx, o + 32);
      storeBoth(grad, v3, v128.load(buf, 112), v128.load(buf, 48), y, dydx, o + 48);
    }
    for (; i < c1; i += 2) {
      // up to three pairs left in the chunk
      const o = <usize>i << 3;
      const v = v128.load(x + o);
      if (!inRange(v)) any = true;
      else onePair(grad, v, y, dydx, o);
    }
    if (n2) runList(2, n2, y, dydx, grad);
    if (n3) runList(3, n3, y, dydx, grad);
  }
  for (let i = any ? 0 : even; i < n; i++) {
    const o = <usize>i << 3;
    if (i < even && pairOk(x, o & ~15)) continue;
    const v = load<f64>(x + o);
    store<f64>(y + o, geluS(v));
    if (grad) store<f64>(dydx + o, geluGradS(v));
  }
}

export function geluForward64(n: i32, x: usize, out: usize): void {
  geluFwdRun(n, x, out, 0, false);
}

export function geluForwardGrad64(n: i32, x: usize, y: usize, dydx: usize): void {
  geluFwdRun(n, x, y, dydx, true);
}

export function geluBackward64(n: i32, x: usize, gy: usize, gx: usize, beta: i32): void {
  const m = n & ~1;
  let any = false;
  for (let i = 0; i < m; i += 2) {
    const o = <usize>i << 3;
    const v = v128.load(x + o);
    if (inRange(v)) {
      const d = f64x2.mul(v128.load(gy + o), geluGradPair(v));
      v128.store(gx + o, beta ? f64x2.add(v128.load(gx + o), d) : d);
    } else any = true;
  }
  for (let i = any ? 0 : m; i < n; i++) {
    const o = <usize>i << 3;
    if (i < m && pairOk(x, o & ~15)) continue;
    const d = load<f64>(gy + o) * geluGradS(load<f64>(x + o));
    store<f64>(gx + o, beta ? load<f64>(gx + o) + d : d);
  }
}
