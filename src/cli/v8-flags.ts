// The V8 flag the command sets for itself before any kernel is compiled (process-wide: worker threads
// share it). --no-wasm-stack-checks drops the check V8 puts at every wasm function entry and loop
// back-edge (stack overflow, and a chance to take interrupts). Our kernels are leaf functions without
// recursion whose calls last milliseconds, so the checks buy nothing here, and they cost a GEMM's
// inner loop about a tenth of its speed (40 → 44 GFLOP/s on Zen 4). What changes: an interrupt (a
// worker's terminate, a debugger's pause) waits for the kernel call in progress to return. Results
// do not change: the same code, without the checks. GROKSCALE_WASM_STACK_CHECKS=1 keeps them.

import v8 from "node:v8";

let dropped = false;

/** Sets the flag unless the environment asks to keep the checks; true when it was set. */
export function dropWasmStackChecks(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env["GROKSCALE_WASM_STACK_CHECKS"] === "1") return false;
  try {
    v8.setFlagsFromString("--no-wasm-stack-checks");
    dropped = true;
    return true;
  } catch {
    return false; // an engine that freezes its flags after start keeps the checks
  }
}

/** Whether this process dropped the checks (what bench reports beside the CPU). */
export function wasmStackChecksDropped(): boolean {
  return dropped;
}
