// Parameter storage in the llm.c style: every parameter lives in one arena allocation carved into
// named views, weight matrices first and biases after, so AdamW is two loops (decayed, not decayed)
// and the weight norm is one sum of squares over the matrix block. Gradients and the Adam moments
// have the same layout. Not here: initialisation (each model's own) or the update (train/adamw.ts).

import type { Arena } from "../base/arena.js";
import type { DType, FArray } from "../base/dtype.js";
import { Tensor } from "../tensor/tape.js";

export interface ParamSpec {
  name: string;
  shape: number[];
  /** true: a weight matrix (decayed, counted in ‖W‖, clamped); false: a bias */
  matrix: boolean;
}

export interface ParamEntry extends ParamSpec {
  offset: number;
  size: number;
}

export class ParamSet {
  readonly entries: ParamEntry[];
  readonly count: number;
  /** elements in the leading block of weight matrices */
  readonly matrixCount: number;
  readonly data: FArray;
  readonly grad: FArray;
  readonly m: FArray;
  readonly v: FArray;
  /** name → tensor viewing data, with grad viewing the gradient block */
  readonly tensors: Record<string, Tensor> = {};

  constructor(
    arena: Arena,
    readonly dtype: DType,
    specs: ParamSpec[],
  ) {
    const ordered = [...specs.filter((s) => s.matrix), ...specs.filter((s) => !s.matrix)];
    let offset = 0;
    this.entries = ordered.map((s) => {
      const size = s.shape.reduce((a, b) => a * b, 1);
      const e = { ...s, offset, size };
      offset += size;
      return e;
    });
    this.count = offset;
    this.matrixCount = this.entries.filter((e) => e.matrix).reduce((a, e) => a + e.size, 0);
    this.data = arena.floats(dtype, this.count);
    this.grad = arena.floats(dtype, this.count);
    this.m = arena.floats(dtype, this.count);
    this.v = arena.floats(dtype, this.count);
    for (const e of this.entries) {
      const t = new Tensor(e.shape, this.slice(this.data, e.name), true);
      t.grad = this.slice(this.grad, e.name);
      this.tensors[e.name] = t;
    }
  }

  entry(name: string): ParamEntry {
    const e = this.entries.find((x) => x.name === name);
    if (!e) throw new Error(`no parameter named ${name}`);
    return e;
  }

  /** The named block of one of the four same-layout buffers. */
  slice(buf: FArray, name: string): FArray {
    const e = this.entry(name);
    return buf.subarray(e.offset, e.offset + e.size);
  }

  tensor(name: string): Tensor {
    const t = this.tensors[name];
    if (!t) throw new Error(`no parameter named ${name}`);
    return t;
  }

  /** The weight-matrix block of a buffer (E, W1, W2 for the MLP). */
  matrices(buf: FArray): FArray {
    return buf.subarray(0, this.matrixCount);
  }

  /** The bias block of a buffer. */
  biases(buf: FArray): FArray {
    return buf.subarray(this.matrixCount);
  }
}
