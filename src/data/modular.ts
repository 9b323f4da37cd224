// Modular-arithmetic tasks (docs/study.md §2): every ordered pair (a, b) with its label op(a, b) mod p, a
// per-seed seeded split into train and test, and random labels for the memorisation control.
// Pure data; no tensors. Pairs are indexed i = a·|B| + j over the operand ranges of the op.

import type { Op } from "../base/config.js";
import { Rng } from "../base/rng.js";

export interface Dataset {
  p: number;
  /** number of pairs N */
  n: number;
  a: Int32Array;
  b: Int32Array;
  label: Int32Array;
  /** pair indices of the training set, then of the test set */
  train: Int32Array;
  test: Int32Array;
}

function modpow(base: number, exp: number, p: number): number {
  let r = 1;
  let x = base % p;
  while (exp > 0) {
    if (exp & 1) r = (r * x) % p;
    x = (x * x) % p;
    exp >>= 1;
  }
  return r;
}

export function applyOp(op: Op, a: number, b: number, p: number): number {
  switch (op) {
    case "add":
      return (a + b) % p;
    case "sub":
      return (((a - b) % p) + p) % p;
    case "mul":
      return (a * b) % p;
    case "div":
      return (a * modpow(b, p - 2, p)) % p; // p prime, b ≠ 0 (Fermat inverse)
    case "sq":
      return (a * a + b * b) % p;
  }
}

export interface TaskSpec {
  p: number;
  op: Op;
  train_frac: number;
  labels: "true" | "random";
}

/** The task's pairs and the split of one seed: a seeded permutation, the first floor(α·N) train. */
export function makeDataset(task: TaskSpec, seed: number): Dataset {
  const { p, op } = task;
  const bStart = op === "div" ? 1 : 0;
  const nb = p - bStart;
  const n = p * nb;
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  const label = new Int32Array(n);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < nb; j++) {
      const k = i * nb + j;
      a[k] = i;
      b[k] = j + bStart;
      label[k] = applyOp(op, i, j + bStart, p);
    }
  }
  if (task.labels === "random") {
    const rl = new Rng(seed, "labels");
    for (let k = 0; k < n; k++) label[k] = rl.int(p);
  }
  const perm = new Rng(seed, "split").permutation(n);
  const nTrain = Math.floor(task.train_frac * n);
  if (nTrain < 1 || nTrain >= n) {
    throw new Error(`train_frac ${task.train_frac} leaves an empty train or test set for ${n} pairs`);
  }
  return { p, n, a, b, label, train: perm.slice(0, nTrain), test: perm.slice(nTrain) };
}
