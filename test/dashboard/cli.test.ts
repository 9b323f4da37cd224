// `grokscale serve` as a user runs it (bin/grokscale.js, the built dist/): it binds 127.0.0.1 by
// default, prints its address, answers, and stops cleanly on SIGTERM; bad flags and a missing store
// are errors that say what is wrong, before anything listens.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../sweep/helpers.js";
import { ROOT, cleanup, fixtureStore, tmpDir } from "./helpers.js";

let store: string;
beforeAll(async () => {
  ensureBuilt();
  store = await fixtureStore();
});
afterAll(cleanup);

function serve(args: string[]) {
  const child = spawn(process.execPath, [join(ROOT, "bin", "grokscale.js"), "serve", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  return { child, exited, out: () => out, err: () => err };
}

describe("grokscale serve", () => {
  it("binds 127.0.0.1 by default, serves the page and the API, stops on SIGTERM", async () => {
    const s = serve(["--store", store, "--port", "0"]);
    const t0 = Date.now();
    while (!/http:\/\/\S+\//.test(s.out())) {
      if (Date.now() - t0 > 30_000) throw new Error(`no address printed: ${s.out()} ${s.err()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = /(http:\/\/\S+\/)/.exec(s.out())![1]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(s.out()).toContain("read-only");
    expect((await fetch(url)).status).toBe(200);
    const health = (await (await fetch(`${url}api/health`)).json()) as { read_only: boolean };
    expect(health.read_only).toBe(true);
    s.child.kill("SIGTERM");
    expect(await s.exited).toBe(0);
  });

  it("refuses bad flags and a missing store", async () => {
    const cases = [
      [["--store", store, "--port", "70000"], "--port must be an integer"],
      [["--store", store, "--port", "abc"], "--port must be an integer"],
      [["--store", store, "--host", "a b"], "is not an address"],
      [["--store", join(tmpDir("none"), "missing.db"), "--port", "0"], "no results store"],
    ] as const;
    const runs = cases.map(([args]) => serve([...args]));
    for (const [i, s] of runs.entries()) {
      expect(await s.exited).toBe(1);
      expect(s.err()).toContain(cases[i]![1]);
    }
  });
});
