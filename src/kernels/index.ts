// Kernel backend selection: "wasm" (WebAssembly SIMD, the default) or "reference" (plain TypeScript,
// the semantic reference the wasm kernels are tested against).

import type { Arena } from "../base/arena.js";
import type { DType } from "../base/dtype.js";
import { referenceKernels } from "./reference.js";
import type { KernelName, Kernels } from "./types.js";
import { wasmKernelsSync } from "./wasm.js";

export function makeKernels(name: KernelName, dtype: DType, arena: Arena): Kernels {
  switch (name) {
    case "reference":
      return referenceKernels(dtype);
    case "wasm":
      return wasmKernelsSync(dtype, arena);
  }
}
