// GEMM for the wasm backend: C(M,N) = beta·C + op(A)·op(B), all four transpose layouts through packing.
// op(B) is packed in panels of NR columns (zero-padded) per KC-deep block — a last panel of at most NR/2
// columns is packed half-wide — and op(A) in 5-row strips (with v128 shuffles for full strips); a 5×NR
// register-blocked micro-kernel (10 v128 accumulators: 5×8 f32, 5×4 f64 — 5 rows fit V8's 15 XMM
// registers without spilling, 6 do not; unrolling k made V8's code slower) does the work, a 5×NR/2
// one the half panel. Edge tiles compute in full and store only their valid part. Single-threaded.

import { S, SHIFT, at, scratchBase, scratchBytes } from "./common";

/** Rows of the micro-kernel. */
// @ts-ignore: decorator
@inline const MR: i32 = 5;
/** Columns of the micro-kernel: two vectors. */
// @ts-ignore: decorator
@inline const NR: i32 = <i32>(32 / sizeof<float>());
/** Depth of one packed block. */
// @ts-ignore: decorator
@inline const KC: i32 = 256;

/** Scratch layout, after the 64-byte result area: A strip (MR·KC), edge tile (MR·NR), then packed B. */
// @ts-ignore: decorator
@inline function aPack(): usize { return scratchBase + 64; }
// @ts-ignore: decorator
@inline function tilePack(): usize { return scratchBase + 64 + <usize>(MR * KC) * S; }
// @ts-ignore: decorator
@inline function bPack(): usize { return scratchBase + 64 + <usize>(MR * KC + MR * NR) * S; }

/** Half the micro-kernel's columns: one vector. */
// @ts-ignore: decorator
@inline const NH: i32 = NR >> 1;

/**
 * Packs op(B)[pc:pc+kc, jc:jc+nc] as panels [kc][NR], zero-padding the last panel; a last panel of at
 * most NH columns is packed [kc][NH] instead (for microHalf).
 */
function packB(tB: i32, B: usize, N: i32, K: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const w = nr <= NH ? NH : NR; // panel width
    const panel = dst + <usize>(jr * kc) * S;
    if (!tB) {
      for (let k = 0; k < kc; k++) {
        const src = at(B, (pc + k) * N + jc + jr);
        const d = panel + <usize>(k * w) * S;
        if (nr == NR) {
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src + 16), 16);
        } else {
          let j = 0;
          for (; j < nr; j++) store<float>(d + (<usize>j << SHIFT), load<float>(src + (<usize>j << SHIFT)));
          for (; j < w; j++) store<float>(d + (<usize>j << SHIFT), 0);
        }
      }
    } else {
      for (let j = 0; j < w; j++) {
        if (j < nr) {
          const src = at(B, (jc + jr + j) * K + pc);
          for (let k = 0; k < kc; k++) {
            store<float>(panel + (<usize>(k * w + j) << SHIFT), load<float>(src + (<usize>k << SHIFT)));
          }
        } else {
          for (let k = 0; k < kc; k++) store<float>(panel + (<usize>(k * w + j) << SHIFT), 0);
        }
      }
    }
  }
}

/**
 * Packs op(A)[ic:ic+mr, pc:pc+kc] as [kc][MR], zero-padding missing rows. Full strips move whole
 * vectors: transposed A has each k's 5 values contiguous; row-major A is transposed 4 (f32) or 2 (f64)
 * k at a time with shuffles.
 */
function packA(tA: i32, A: usize, M: i32, K: i32, ic: i32, mr: i32, pc: i32, kc: i32, dst: usize): void {
  const rowB = <usize>MR * S; // bytes per packed k
  if (tA) {
    let k = 0;
    if (mr == MR) {
      for (; k < kc; k++) {
        const src = at(A, (pc + k) * M + ic);
        const d = dst + <usize>k * rowB;
        if (sizeof<float>() == 4) {
          v128.store(d, v128.load(src));
          store<f32>(d, load<f32>(src, 16), 16);
        } else {
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src, 16), 16);
          store<f64>(d, load<f64>(src, 32), 32);
        }
      }
      return;
    }
    for (; k < kc; k++) {
      const src = at(A, (pc + k) * M + ic);
      const d = dst + <usize>k * rowB;
      let r = 0;
      for (; r < mr; r++) store<float>(d + (<usize>r << SHIFT), load<float>(src + (<usize>r << SHIFT)));
      for (; r < MR; r++) store<float>(d + (<usize>r << SHIFT), 0);
    }
    return;
  }
  let k = 0;
  if (mr == MR) {
    const r0 = at(A, ic * K + pc);
    const rs = <usize>K * S;
    if (sizeof<float>() == 4) {
      for (; k + 4 <= kc; k += 4) {
        const o = <usize>k << 2;
        const v0 = v128.load(r0 + o);
        const v1 = v128.load(r0 + rs + o);
        const v2 = v128.load(r0 + 2 * rs + o);
        const v3 = v128.load(r0 + 3 * rs + o);
        const v4 = v128.load(r0 + 4 * rs + o);
        // 4×4 transpose of rows 0-3: t_j = [v0[j], v1[j], v2[j], v3[j]]
        const a01lo = i32x4.shuffle(v0, v1, 0, 4, 1, 5);
        const a01hi = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
        const a23lo = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
        const a23hi = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
        const d = dst + <usize>k * rowB;
        v128.store(d, i64x2.shuffle(a01lo, a23lo, 0, 2));
        v128.store32_lane(d, v4, 0, 16);
        v128.store(d, i64x2.shuffle(a01lo, a23lo, 1, 3), 20);
        v128.store32_lane(d, v4, 1, 36);
        v128.store(d, i64x2.shuffle(a01hi, a23hi, 0, 2), 40);
        v128.store32_lane(d, v4, 2, 56);
        v128.store(d, i64x2.shuffle(a01hi, a23hi, 1, 3), 60);
        v128.store32_lane(d, v4, 3, 76);
      }
    } else {
      for (; k + 2 <= kc; k += 2) {
        const o = <usize>k << 3;
        const v0 = v128.load(r0 + o);
        const v1 = v128.load(r0 + rs + o);
        const v2 = v128.load(r0 + 2 * rs + o);
        const v3 = v128.load(r0 + 3 * rs + o);
        const v4 = v128.load(r0 + 4 * rs + o);
        const d = dst + <usize>k * rowB;
        v128.store(d, i64x2.shuffle(v0, v1, 0, 2));
        v128.store(d, i64x2.shuffle(v2, v3, 0, 2), 16);
        v128.store64_lane(d, v4, 0, 32);
        v128.store(d, i64x2.shuffle(v0, v1, 1, 3), 40);
        v128.store(d, i64x2.shuffle(v2, v3, 1, 3), 56);
        v128.store64_lane(d, v4, 1, 72);
      }
    }
  }
  for (let r = 0; r < MR; r++) {
    if (r < mr) {
      const src = at(A, (ic + r) * K + pc);
      for (let kk = k; kk < kc; kk++) store<float>(dst + (<usize>(kk * MR + r) << SHIFT), load<float>(src + (<usize>kk << SHIFT)));
    } else {
      for (let kk = k; kk < kc; kk++) store<float>(dst + (<usize>(kk * MR + r) << SHIFT), 0);
    }
  }
}

// @ts-ignore: decorator
@inline function fma(c: v128, a: v128, b: v128): v128 {
  return v128.add<float>(c, v128.mul<float>(a, b));
}

// @ts-ignore: decorator
@inline function put(p: usize, v: v128, accum: i32): void {
  v128.store(p, accum ? v128.add<float>(v128.load(p), v) : v);
}

/** C tile (mr×nr at cp, row stride ldc elements) (+)= Apack strip · Bpack panel over kc. */
function micro(ap: usize, bp: usize, kc: i32, cp: usize, ldc: i32, mr: i32, nr: i32, accum: i32): void {
  let c00 = v128.splat<float>(0), c01 = c00, c10 = c00, c11 = c00;
  let c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00;
  // constant offsets fold into the addressing modes
  const end = ap + <usize>kc * (<usize>MR * S);
  while (ap < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load_splat<float>(ap);
    c00 = fma(c00, a, b0);
    c01 = fma(c01, a, b1);
    a = v128.load_splat<float>(ap, S);
    c10 = fma(c10, a, b0);
    c11 = fma(c11, a, b1);
    a = v128.load_splat<float>(ap, 2 * S);
    c20 = fma(c20, a, b0);
    c21 = fma(c21, a, b1);
    a = v128.load_splat<float>(ap, 3 * S);
    c30 = fma(c30, a, b0);
    c31 = fma(c31, a, b1);
    a = v128.load_splat<float>(ap, 4 * S);
    c40 = fma(c40, a, b0);
    c41 = fma(c41, a, b1);
    ap += <usize>MR * S;
    bp += 32;
  }
  const row = <usize>ldc << SHIFT;
  if (mr == MR && nr == NR) {
    put(cp, c00, accum);
    put(cp + 16, c01, accum);
    put(cp + row, c10, accum);
    put(cp + row + 16, c11, accum);
    put(cp + 2 * row, c20, accum);
    put(cp + 2 * row + 16, c21, accum);
    put(cp + 3 * row, c30, accum);
    put(cp + 3 * row + 16, c31, accum);
    put(cp + 4 * row, c40, accum);
    put(cp + 4 * row + 16, c41, accum);
    return;
  }
  const t = tilePack();
  v128.store(t, c00);
  v128.store(t, c01, 16);
  v128.store(t, c10, 32);
  v128.store(t, c11, 48);
  v128.store(t, c20, 64);
  v128.store(t, c21, 80);
  v128.store(t, c30, 96);
  v128.store(t, c31, 112);
  v128.store(t, c40, 128);
  v128.store(t, c41, 144);
  for (let r = 0; r < mr; r++) {
    const src = t + <usize>(r * 32);
    const dst = cp + <usize>r * row;
    for (let j = 0; j < nr; j++) {
      const v = load<float>(src + (<usize>j << SHIFT));
      const q = dst + (<usize>j << SHIFT);
      store<float>(q, accum ? load<float>(q) + v : v);
    }
  }
}

/** C tile (mr×nr, nr ≤ NH) (+)= Apack strip · half-width Bpack panel over kc: one vector per row. */
function microHalf(ap: usize, bp: usize, kc: i32, cp: usize, ldc: i32, mr: i32, nr: i32, accum: i32): void {
  let c0 = v128.splat<float>(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0;
  const end = ap + <usize>kc * (<usize>MR * S);
  while (ap < end) {
    const b = v128.load(bp);
    c0 = fma(c0, v128.load_splat<float>(ap), b);
    c1 = fma(c1, v128.load_splat<float>(ap, S), b);
    c2 = fma(c2, v128.load_splat<float>(ap, 2 * S), b);
    c3 = fma(c3, v128.load_splat<float>(ap, 3 * S), b);
    c4 = fma(c4, v128.load_splat<float>(ap, 4 * S), b);
    ap += <usize>MR * S;
    bp += 16;
  }
  const row = <usize>ldc << SHIFT;
  const t = tilePack();
  v128.store(t, c0);
  v128.store(t, c1, 32);
  v128.store(t, c2, 64);
  v128.store(t, c3, 96);
  v128.store(t, c4, 128);
  for (let r = 0; r < mr; r++) {
    const src = t + <usize>(r * 32);
    const dst = cp + <usize>r * row;
    for (let j = 0; j < nr; j++) {
      const v = load<float>(src + (<usize>j << SHIFT));
      const q = dst + (<usize>j << SHIFT);
      store<float>(q, accum ? load<float>(q) + v : v);
    }
  }
}

export function gemm(tA: i32, tB: i32, M: i32, N: i32, K: i32, A: usize, B: usize, C: usize, beta: i32): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!beta) memory.fill(C, 0, <usize>(M * N) * S);
    return;
  }
  const bRoom = <i32>((scratchBase + scratchBytes - bPack()) / S);
  const ncMax = (bRoom / min(KC, K) / NR) * NR; // packed B block: min(KC, K) × ncMax
  const ap = aPack();
  const bp = bPack();
  for (let jc = 0; jc < N; jc += ncMax) {
    const nc = min(ncMax, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      const accum = beta != 0 || pc > 0 ? 1 : 0;
      packB(tB, B, N, K, pc, kc, jc, nc, bp);
      for (let ic = 0; ic < M; ic += MR) {
        const mr = min(MR, M - ic);
        packA(tA, A, M, K, ic, mr, pc, kc, ap);
        const cRow = at(C, ic * N + jc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const panel = bp + <usize>(jr * kc) * S;
          const cp = cRow + (<usize>jr << SHIFT);
          if (nr <= NH) microHalf(ap, panel, kc, cp, N, mr, nr, accum);
          else micro(ap, panel, kc, cp, N, mr, nr, accum);
        }
      }
    }
  }
}
