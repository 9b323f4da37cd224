// Tests for turning the paper's .npz files into cell records: classification by folder, file name
// and keys; -1 as "never reached"; merging `*_weights.npz` companions; and errors that name the file
// for damaged or unrelated archives. Archives are built in memory by fixtures.ts.
import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { cellsFromNpz } from "../../src/analysis/npz-cells.js";
import { loadNpzDir } from "../../src/analysis/paper-files.js";
import { npyBytes, npzBytes } from "./fixtures.js";

const series = { steps: [1, 200, 400], logit_scale: [5, 10, 20], weight_norm: [40, 50, 55] };
const full = (extra: Record<string, number | string | boolean | number[]>) =>
  npzBytes({ p: 59, rho: 1.15, tau: 1.3, gamma: 0, lam: 1, loss: "ce", arch: "mlp", arm: "clamp", ...series, ...extra });

describe("cellsFromNpz", () => {
  it("reads a mediation cell: arm from the file name, -1 as censored, norms and series", () => {
    const { cells, warnings } = cellsFromNpz([
      {
        path: "mediation/mlp_ce_full_p59_up_rho1.15_tau1.30.npz",
        bytes: full({
          T_grok_per_seed: [300, -1, 500],
          T_mem_per_seed: [100, -1, 125],
          wn_at_grok: [62.5, 62.5, 62.5],
          sc_frac: [0, 0, 0.25],
          wn_E: [1, 2, 3],
          wn_W1: [4, 5, 6],
          test_acc: [0, 0.5, 1],
        }),
      },
    ]);
    expect(warnings).toEqual([]);
    const c = cells[0]!;
    expect(c).toMatchObject({ id: "mediation/mlp_ce_full_p59_up_rho1.15_tau1.30.npz", source: "npz", experiment: "mediation", arm: "up", model: "mlp" });
    expect(c).toMatchObject({ p: 59, loss: "ce", rho: 1.15, tau: 1.3, gamma: null, dtype: "f32", wd: 1, t_fork: null });
    expect(c.seeds[1]).toEqual({ seed: 1, T_grok: null, T_mem: null, norm_at_grok: null, status: "censored" });
    expect(c.seeds[0]).toEqual({ seed: 0, T_grok: 300, T_mem: 100, norm_at_grok: 62.5, status: "grokked" });
    expect(c.series.step).toEqual([1, 200, 400]);
    expect(c.series.collapse_rate).toEqual([0, 0, 0.25]);
    expect(c.series.norms).toEqual({ E: [1, 2, 3], W1: [4, 5, 6] });
    expect(c.series.test_acc).toEqual([0, 0.5, 1]);
    expect(c.series.train_acc).toBeUndefined();
  });

  it("builds each cell's run config from the file's keys, or none with the reason", () => {
    const run = { alpha: 0.4, d_model: 128, H: 256, lr: 0.001, t_int: 500, max_steps: 40000, n_train: 1392, batch_size: 1392, T_grok_per_seed: [1] };
    const { cells } = cellsFromNpz([
      { path: "mediation/mlp_ce_full_p59_up_rho1.15_tau1.30.npz", bytes: full({ ...run, wc_used: 54.25 }) },
      { path: "mediation/mlp_ce_full_p59_ctrl.npz", bytes: full({ ...run, arm: "none", rho: 1, tau: 1, wc_used: 0 }) },
      { path: "transformer/tfnoln_add_ce_full_p59_base_rho1.00_tau1.00.npz", bytes: full({ ...run, arch: "tfnoln", H: 512, lr: 0.0005, t_int: 600, batch_size: 64, wc_used: 32.5 }) },
      { path: "alloc/mlp_ce_full_p59_alloc_g-0.30.npz", bytes: full({ ...run, arm: "alloc", gamma: -0.3, wc_used: 54.25 }) },
      { path: "dose/mlp_ce_full_p59_clamp_rho1.15.npz", bytes: full({ ...run, T_grok_per_seed: [1] }) }, // no wc_used
      { path: "samestate/p59_free.npz", bytes: npzBytes({ arm: "free", p: 59, rho: 1.15, t_fork: 800, T_grok_per_seed: [900], ...series }) },
      { path: "samestate/p59_clamp_same.npz", bytes: full({ ...run, arm: "clamp_same", t_fork: 800, wc_used: 1 }) },
      { path: "dose/mlp_ce_full_p59_clamp_rho0.90.npz", bytes: npzBytes({ p: 59, rho: 0.9, lam: 1, loss: "ce", arch: "mlp", arm: "clamp", ...series, ...run, wc_used: 54.26 }) },
    ]);
    const by = Object.fromEntries(cells.map((c) => [c.id, c]));
    const up = by["mediation/mlp_ce_full_p59_up_rho1.15_tau1.30.npz"]!;
    expect(up.config_reason).toBeNull();
    expect(up.config).toMatchObject({ p: 59, train_frac: 0.4, model: "mlp", d_embed: 128, hidden: 256, loss: "ce", tau: 1.3, rho: 1.15 });
    expect(up.config).toMatchObject({ wc: 54.25, t_int: 500, gamma: null, lr: 0.001, wd: 1, batch_size: null, dtype: "f32", steps: 40000 });
    expect(by["mediation/mlp_ce_full_p59_ctrl.npz"]!.config).toMatchObject({ wc: null, rho: 1 }); // arm "none": free, whatever wc_used says
    expect(by["transformer/tfnoln_add_ce_full_p59_base_rho1.00_tau1.00.npz"]!.config).toMatchObject({
      model: "transformer", d_model: 128, d_mlp: 512, layernorm: "none", lr: 0.0005, t_int: 600, batch_size: 64, wc: 32.5,
    });
    const alloc = by["alloc/mlp_ce_full_p59_alloc_g-0.30.npz"]!;
    expect(alloc.config).toBeNull();
    expect(alloc.config_reason).toMatch(/theta0/);
    expect(by["dose/mlp_ce_full_p59_clamp_rho1.15.npz"]!).toMatchObject({ config: null, config_reason: "the file does not carry wc_used" });
    expect(by["samestate/p59_clamp_same.npz"]!).toMatchObject({ config: null, config_reason: 'its arm "clamp_same" is not one a run config expresses from these keys' });
    expect(by["dose/mlp_ce_full_p59_clamp_rho0.90.npz"]!.config).toMatchObject({ tau: 1, rho: 0.9, wc: 54.26 }); // no tau key: 1, as the record's
    expect(by["samestate/p59_free.npz"]!.config_reason).toBe("the file does not carry alpha, arch, loss, lam, lr, t_int, max_steps, d_model, H, batch_size, n_train, wc_used");
  });

  it("classifies dose, alloc, ctrl, samestate and transformer files", () => {
    const { cells } = cellsFromNpz([
      { path: "dose/mlp_ce_full_p43_clamp_rho0.90.npz", bytes: full({ p: 43, rho: 0.9, T_grok_per_seed: [1] }) },
      { path: "dose/mlp_ce_full_p43_free_wd2.00.npz", bytes: full({ p: 43, arm: "none", lam: 2, T_grok_per_seed: [1] }) },
      { path: "alloc/mlp_ce_full_p59_alloc_g-0.30.npz", bytes: full({ arm: "alloc", gamma: -0.3, T_grok_per_seed: [1] }) },
      { path: "alloc/mlp_ce_full_p59_ctrl.npz", bytes: full({ arm: "none", T_grok_per_seed: [1] }) },
      {
        path: "samestate/p97_clamp_raised.npz",
        bytes: npzBytes({ arm: "clamp_raised", p: 97, rho: 1.15, t_fork: 800, T_grok_per_seed: [900], T_mem_per_seed: [200], ...series }),
      },
      { path: "transformer/tfnoln_add_ce_full_p59_base_rho1.00_tau1.00.npz", bytes: full({ arch: "tfnoln", T_grok_per_seed: [1] }) },
    ]);
    const by = Object.fromEntries(cells.map((c) => [c.id.split("/")[1], c]));
    expect(by["mlp_ce_full_p43_clamp_rho0.90.npz"]).toMatchObject({ experiment: "dose", arm: "clamp", p: 43, rho: 0.9, gamma: null });
    expect(by["mlp_ce_full_p43_free_wd2.00.npz"]).toMatchObject({ experiment: "dose", arm: "free", wd: 2 });
    expect(by["mlp_ce_full_p59_alloc_g-0.30.npz"]).toMatchObject({ experiment: "alloc", arm: "alloc", gamma: -0.3 });
    expect(by["mlp_ce_full_p59_ctrl.npz"]).toMatchObject({ experiment: "alloc", arm: "ctrl", gamma: null });
    expect(by["p97_clamp_raised.npz"]).toMatchObject({ experiment: "samestate", arm: "clamp_raised", t_fork: 800, loss: "ce", tau: 1, model: "mlp" });
    expect(by["tfnoln_add_ce_full_p59_base_rho1.00_tau1.00.npz"]).toMatchObject({ experiment: "transformer", arm: "base", model: "transformer" });
  });

  it("merges a *_weights.npz companion into its cell instead of making a cell of it", () => {
    const main = "collapse/mlp_add_ce_full_p59_grid_rho1.10_tau1.70.npz";
    const { cells } = cellsFromNpz([
      { path: main, bytes: full({ rho: 1.1, tau: 1.7 }) }, // no per-seed arrays of its own
      { path: main.replace(".npz", "_weights.npz"), bytes: npzBytes({ T_grok_per_seed: [250, -1], T_mem_per_seed: [100, 125], tau: 1.7, rho: 1.1 }) },
    ]);
    expect(cells).toHaveLength(1);
    expect(cells[0]!.seeds.map((s) => s.T_grok)).toEqual([250, null]);
    expect(cells[0]!.seeds.map((s) => s.T_mem)).toEqual([100, 125]);
  });

  it("rejects a companion that disagrees with its cell, and warns about an orphan", () => {
    const main = "collapse/c_rho1.00_tau1.00.npz";
    const wts = "collapse/c_rho1.00_tau1.00_weights.npz";
    expect(() =>
      cellsFromNpz([
        { path: main, bytes: full({ rho: 1, tau: 1, T_grok_per_seed: [250, 300] }) },
        { path: wts, bytes: npzBytes({ T_grok_per_seed: [250, 325], tau: 1, rho: 1 }) },
      ]),
    ).toThrow(/c_rho1\.00_tau1\.00_weights\.npz: T_grok_per_seed disagrees/);
    expect(() =>
      cellsFromNpz([
        { path: main, bytes: full({ rho: 1, tau: 1, T_grok_per_seed: [250] }) },
        { path: wts, bytes: npzBytes({ T_grok_per_seed: [250], tau: 1.3, rho: 1 }) },
      ]),
    ).toThrow(/tau 1\.3 disagrees/);
    const r = cellsFromNpz([{ path: "collapse/lonely_weights.npz", bytes: npzBytes({ T_grok_per_seed: [1], tau: 1, rho: 1 }) }]);
    expect(r.cells).toEqual([]);
    expect(r.warnings[0]).toMatch(/lonely_weights\.npz: per-seed companion without its cell file/);
  });

  it("gives a clear error naming an unrelated or damaged .npz", () => {
    const unrelated = zipSync({ "x.npy": npyBytes({ descr: "<f8", shape: [2], values: [1, 2] }) });
    expect(() => cellsFromNpz([{ path: "dose/unrelated.npz", bytes: unrelated }])).toThrow(
      /dose\/unrelated\.npz: not a grokscale cell archive \(missing p, steps, logit_scale, weight_norm, T_grok_per_seed; keys: x\)/,
    );
    expect(() => cellsFromNpz([{ path: "dose/damaged.npz", bytes: new Uint8Array(64).fill(7) }])).toThrow(/dose\/damaged\.npz: not a readable/);
    expect(() => cellsFromNpz([{ path: "dose/short.npz", bytes: full({ T_grok_per_seed: [1, 2], T_mem_per_seed: [1] }) }])).toThrow(
      /short\.npz: T_mem_per_seed has 1 seeds, T_grok_per_seed 2/,
    );
    expect(() => cellsFromNpz([{ path: "dose/ragged.npz", bytes: full({ T_grok_per_seed: [1], logit_scale: [1, 2] }) }])).toThrow(
      /ragged\.npz: series logit_scale has 2 points, steps 3/,
    );
    expect(() => cellsFromNpz([{ path: "dose/loss.npz", bytes: full({ T_grok_per_seed: [1], loss: "hinge" }) }])).toThrow(/loss\.npz: unknown loss "hinge"/);
  });
});

describe("loadNpzDir", () => {
  it("reads every .npz under a folder, ids relative to it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "grokscale-npz-"));
    await mkdir(path.join(dir, "dose"));
    await writeFile(path.join(dir, "dose", "a_clamp_rho1.00.npz"), full({ T_grok_per_seed: [10] }));
    await writeFile(path.join(dir, "dose", "notes.txt"), "ignored");
    const r = await loadNpzDir(dir);
    expect(r.cells.map((c) => c.id)).toEqual(["dose/a_clamp_rho1.00.npz"]);
  });

  it("says so when the folder is missing or empty", async () => {
    await expect(loadNpzDir("/nonexistent/grokscale")).rejects.toThrow(/\/nonexistent\/grokscale: not a directory/);
    const empty = await mkdtemp(path.join(tmpdir(), "grokscale-empty-"));
    await expect(loadNpzDir(empty)).rejects.toThrow(/no \.npz files found/);
  });
});
