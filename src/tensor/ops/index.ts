// The op library, one import for models: linear algebra, elementwise, index, loss, LayerNorm and attention ops.
export * from "./linalg.js";
export * from "./elementwise.js";
export * from "./gather.js";
export * from "./loss.js";
export * from "./view.js";
export * from "./reduce.js";
export * from "./layernorm.js";
export * from "./attention.js";
