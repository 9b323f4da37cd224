// `grokscale playground --out DIR` without a browser: it writes exactly the built page, bundles and wasm
// kernels (byte for byte what the dashboard serves), the worker bundle holds no Node import, and a
// missing --out is one error line.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { siteFiles } from "../../src/playground/site.js";
import { ensurePlayground, ROOT } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "gs-playground-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("grokscale playground", () => {
  it("writes the built site into --out, byte for byte", () => {
    ensurePlayground();
    const out = join(scratch, "nested", "site");
    const said = execFileSync(process.execPath, [join(ROOT, "bin", "grokscale.js"), "playground", "--out", out], { encoding: "utf8" });
    expect(said).toMatch(/^grokscale playground: wrote 6 files to .*site/);
    const files = siteFiles();
    expect(readdirSync(out).sort()).toEqual([...files.keys()].sort());
    for (const [name, f] of files) expect(readFileSync(join(out, name)).equals(readFileSync(f.file)), name).toBe(true);
    const worker = readFileSync(join(out, "worker.js"), "utf8");
    expect(worker).not.toMatch(/["']node:|require\(/); // node:fs is stubbed, nothing else from Node
    expect(worker).toContain("kernels-"); // fetches the wasm next to itself
  });

  it("needs --out", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "grokscale.js"), "playground"], { encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--out/);
  });
});
