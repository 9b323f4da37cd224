// The model interface the trainer uses: named parameters in one ParamSet, a forward pass from operand
// index arrays to logits, and which matrix is the token embedding (for the Fourier measurement).

import type { Tape, Tensor } from "../tensor/tape.js";
import type { ParamSet } from "./params.js";

export interface Model {
  readonly kind: "mlp" | "transformer";
  readonly params: ParamSet;
  /** number of output classes (p) */
  readonly classes: number;
  /** the parameter whose first p rows embed the tokens 0..p-1 */
  readonly embedding: string;
  /** logits (n, p) for the pairs (a[i], b[i]); a and b must live in the arena */
  forward(tape: Tape, a: Int32Array, b: Int32Array): Tensor;
}
