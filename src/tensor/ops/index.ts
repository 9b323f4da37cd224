// The op library, one import for models: linear algebra, elementwise, index and loss ops.
export * from "./linalg.js";
export * from "./elementwise.js";
export * from "./gather.js";
export * from "./loss.js";
export * from "./view.js";
export * from "./reduce.js";
