// Entry of the wasm kernel module (built twice, `float` = f32 and f64, by scripts/build-wasm.mjs).
// Exports every kernel of src/kernels/types.ts with pointers (byte offsets into the imported arena
// memory) in place of arrays; src/kernels/wasm.ts wraps them. Besides: setCeOnePass, a switch tests use.

export { init } from "./common";
export { gemm } from "./gemm";
export { add, mul, scale, addRowVec, sumRows, sumSquares, gatherRows, scatterAddRows, gatherAdd2, adamw } from "./elementwise";
export { geluForward, geluForwardGrad, geluBackward } from "./gelu";
export { gatherAdd2Gelu, gatherAdd2GeluBackward } from "./hidden";
export { sharedAttentionForward, sharedAttentionBackward } from "./attention";
export { softmaxCrossEntropy, mse, logitStats, softmaxRows, softmaxRowsBackward, layerNorm, layerNormBackward, setCeOnePass } from "./softmax";
