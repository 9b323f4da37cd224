// The command's V8 flag (cli/v8-flags.ts): set unless GROKSCALE_WASM_STACK_CHECKS=1 asks to keep the
// checks, and a run's results are the same either way (the same kernels, without the checks).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { dropWasmStackChecks } from "../../src/cli/v8-flags.js";

const train = (env: Record<string, string>) => {
  const r = spawnSync(process.execPath, ["bin/grokscale.js", "train", "--p", "23", "--steps", "150", "--wc", "30", "--t-int", "50", "--tau", "1.3", "--json"], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  return JSON.stringify(out["seeds"]);
};

describe("--no-wasm-stack-checks", () => {
  it("is kept off when the environment asks for the checks", () => {
    expect(dropWasmStackChecks({ GROKSCALE_WASM_STACK_CHECKS: "1" })).toBe(false);
    expect(dropWasmStackChecks({})).toBe(true);
  });

  it("changes no result", () => {
    expect(train({ GROKSCALE_WASM_STACK_CHECKS: "0" })).toBe(train({ GROKSCALE_WASM_STACK_CHECKS: "1" }));
  });
});
