// The PyTorch yardsticks ship with the package (bench/, next to src/ and dist/), so that `grokscale
// bench` finds them on a fresh clone; where python3 has torch, the MLP one runs and prints its row.
import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runTorchScript, TORCH_PAPER_SCRIPT, torchAvailable } from "../../src/bench/torch.js";
import { TORCH_TRANSFORMER_SCRIPT } from "../../src/bench/transformer.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("PyTorch yardsticks", () => {
  it("are files of this package", () => {
    for (const script of [TORCH_PAPER_SCRIPT, TORCH_TRANSFORMER_SCRIPT]) {
      expect(existsSync(script)).toBe(true);
      expect(relative(repoRoot, script).startsWith("bench")).toBe(true);
    }
  });

  it.skipIf(!torchAvailable())("the MLP step runs and reports per-seed time (python3 with torch)", () => {
    const row = runTorchScript(TORCH_PAPER_SCRIPT, { p: 7, seeds: 2, threads: 1, steps: 3, warmup: 1, "eval-every": 2 });
    expect(row).toMatchObject({ impl: "torch-paper-style", p: 7, seeds: 2, threads: 1, dtype: "f32" });
    expect(row.ms_per_seed_step).toBeGreaterThan(0);
  });

  it("a missing script is an error naming it", () => {
    expect(() => runTorchScript("/nonexistent/yardstick.py", {})).toThrow(/not found: \/nonexistent\/yardstick.py/);
  });
});
