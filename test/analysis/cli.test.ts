// Tests for `grokscale analyze`: --from-npz on a folder of generated .npz files prints one JSON object
// with the headline keys; --store goes through the injected loader; bad flags and damaged files end
// with a clear error naming the problem. Commander runs with exitOverride so errors throw here.
import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { registerAnalyze } from "../../src/cli/analyze.js";
import { cell, npzBytes, seeds } from "./fixtures.js";

async function run(args: string[], deps: Parameters<typeof registerAnalyze>[1] = {}) {
  let out = "";
  let err = "";
  const program = new Command().exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerAnalyze(program, { write: (s) => (out += s), ...deps });
  let error: Error | null = null;
  try {
    await program.parseAsync(["node", "grokscale", "analyze", ...args]);
  } catch (e) {
    error = e as Error;
  }
  return { out, err, error };
}

async function forkDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "grokscale-cli-"));
  await mkdir(path.join(dir, "samestate"));
  const arms: Record<string, number[]> = {
    clamp_lowered: [150, 160, 170],
    free: [200, 210, 220],
    clamp_same: [300, 300, 310],
    clamp_raised: [700, 500, 900],
  };
  for (const [arm, t] of Object.entries(arms)) {
    const bytes = npzBytes({ arm, p: 59, rho: 1.15, t_fork: 100, T_grok_per_seed: t, T_mem_per_seed: [50, 50, 50], steps: [101, 200], logit_scale: [3, 4], weight_norm: [50, 50] });
    await writeFile(path.join(dir, "samestate", `p59_${arm}.npz`), bytes);
  }
  return dir;
}

describe("grokscale analyze", () => {
  it("--from-npz DIR --json prints one JSON object with the headline keys", async () => {
    const { out, error } = await run(["--from-npz", await forkDir(), "--json"]);
    expect(error).toBeNull();
    const o = JSON.parse(out);
    expect(o.samestate_ratio_p59).toBe(3);
    expect(o.samestate_ci_p59).toHaveLength(2);
    expect(o.tables.samestate.p59.ok).toBe(true);
    expect(o.notes).toContain("dose: no cells of this experiment in the input");
  });

  it("without --json prints a short summary", async () => {
    const { out } = await run(["--from-npz", await forkDir()]);
    expect(out).toMatch(/samestate_ratio_p59\s+3\.000/);
    expect(out).toMatch(/notes:/);
  });

  it("--store reads cells through the store loader", async () => {
    let asked = "";
    const loadCellRecords = async (p: string) => {
      asked = p;
      return [cell({ experiment: "alloc", arm: "alloc", gamma: 0, seeds: seeds([200]) }), cell({ id: "b", experiment: "alloc", arm: "alloc", gamma: 0.3, seeds: seeds([100]) })];
    };
    const { out, error } = await run(["--store", "results.db", "--json", "--resamples", "10"], { loadCellRecords });
    expect(error).toBeNull();
    expect(asked).toBe("results.db");
    expect(JSON.parse(out).alloc_swing_p59).toBe(2);
  });

  it("ends with a clear error for bad flags and damaged files", async () => {
    const both = await run(["--from-npz", "x", "--store", "y"]);
    expect(both.err).toMatch(/give exactly one of --from-npz DIR or --store PATH/);
    const neither = await run([]);
    expect(neither.err).toMatch(/give exactly one/);
    const dir = await forkDir();
    await writeFile(path.join(dir, "samestate", "zz_broken.npz"), "not a zip");
    const broken = await run(["--from-npz", dir, "--json"]);
    expect(broken.error).not.toBeNull();
    expect(broken.err).toMatch(/samestate\/zz_broken\.npz: not a readable \.npz/);
    const seed = await run(["--from-npz", dir, "--seed", "x"]);
    expect(seed.err).toMatch(/--seed must be an integer/);
  });
});
