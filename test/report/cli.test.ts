// `grokscale report`: --store goes through the injected store loader and writes the page, the
// Markdown twin and the figures to --out; --from-npz reads a folder of .npz cells; exactly one source
// is required. Commander runs with exitOverride so errors throw here instead of exiting.

import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { registerReport, type ReportDeps } from "../../src/cli/report.js";
import { syntheticStudy } from "./fixtures.js";

async function run(args: string[], deps: ReportDeps = {}) {
  let out = "";
  let err = "";
  const program = new Command().exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerReport(program, { write: (s) => (out += s), ...deps });
  let error: Error | null = null;
  try {
    await program.parseAsync(["node", "grokscale", "report", ...args]);
  } catch (e) {
    error = e as Error;
  }
  return { out, err, error };
}

describe("grokscale report", () => {
  it("--store PATH --out DIR writes the report from the store's cells", async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), "grokscale-report-cli-"));
    let asked = "";
    const { out, error } = await run(["--store", "results.db", "--out", outDir, "--resamples", "100", "--curves", "syn/mediation_base_ce_rho1_tau1,nope"], {
      loadCellRecords: async (p) => {
        asked = p;
        return syntheticStudy();
      },
    });
    expect(error).toBeNull();
    expect(asked).toBe("results.db");
    expect(out).toContain(path.join(outDir, "report.html"));
    const md = await readFile(path.join(outDir, "report.md"), "utf8");
    expect(md).toContain("- **Data source:** results store: results.db");
    expect(md).toContain("- **Bootstrap:** 100 paired resamples, seed 0");
    expect(md).toContain("asked-for cell nope is not in the data");
    expect(existsSync(path.join(outDir, "figures", "fig-collapse.svg"))).toBe(true);
  });

  it("needs exactly one of --store and --from-npz", async () => {
    expect((await run([])).err).toMatch(/exactly one of --store PATH or --from-npz DIR/);
    expect((await run(["--store", "a", "--from-npz", "b"])).err).toMatch(/exactly one/);
  });

  it("names a missing .npz folder", async () => {
    const { err } = await run(["--from-npz", "/nonexistent/metrics"]);
    expect(err).toMatch(/report: \/nonexistent\/metrics: not a directory of \.npz files/);
  });

  it("rejects a bad --resamples", async () => {
    const { err } = await run(["--store", "x", "--resamples", "0"], { loadCellRecords: async () => syntheticStudy() });
    expect(err).toMatch(/--resamples must be a positive integer/);
  });
});
