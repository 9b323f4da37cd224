// The adversarial cases of issue 14 that need no Redis, each through the real `grokscale` command
// (spawned, real SQLite files): a foreign SQLite or text file is refused before a byte of it changes;
// hostile specs (a "__proto__" key, 10^6 cells or seeds, a model no arena holds, JSON nested thousands
// deep) give one line naming the file and field, exit 1 and write no store; resolution is linear;
// SIGTERM during a big registration rolls it back; paths under /proc fail at once; a refused merge
// leaves no target and a label-only clash is refused; a corrupt checkpoint is warned about and recorded.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobCheckpointDir } from "../../src/sweep/checkpoints.js";
import { jobIdOf, resolveSweepSpec } from "../../src/experiments/sweep-spec.js";
import { openStore } from "../../src/sweep/store.js";
import { APPLICATION_ID } from "../../src/sweep/store-identity.js";
import { buildServer } from "../../src/dashboard/server.js";
import { ensureBuiltDistributed, gs } from "../distributed/helpers.js";
import { TINY, cleanupTmp, query, sleep, tmpStore } from "./helpers.js";

afterAll(cleanupTmp);
beforeAll(ensureBuiltDistributed);

const sha = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex");
const dirOf = (tag: string): string => dirname(tmpStore(tag));

/** Runs the command to its end; the result with its non-empty stderr lines. */
async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; lines: string[] }> {
  const r = await gs(args).done;
  return { ...r, lines: r.stderr.split("\n").filter((l) => l.trim() !== "") };
}

/** A failed command: exit 1, exactly one line on stderr, matching `what`. */
function refused(r: { code: number | null; lines: string[] }, what: RegExp): void {
  expect(r.lines, r.lines.join("\n")).toHaveLength(1);
  expect(r.lines[0]).toMatch(/^grokscale: /);
  expect(r.lines[0]).toMatch(what);
  expect(r.code).toBe(1);
}

function foreignDb(file: string, sql: string): void {
  const db = new Database(file);
  db.exec(sql);
  db.close();
}

function writeJson(dir: string, name: string, value: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof value === "string" ? value : JSON.stringify(value));
  return p;
}

const small = { name: "h", seeds: 2, base: TINY };

describe("1. a store that is not ours is refused before anything is written", () => {
  it("sweep, merge, status, export and serve refuse a foreign SQLite file, naming it, its bytes unchanged", async () => {
    const dir = dirOf("foreign");
    const spec = writeJson(dir, "spec.json", small);
    const f = join(dir, "f.db");
    foreignDb(f, "create table foo(a, b); insert into foo values (1, 2);");
    const clash = join(dir, "clash.db");
    foreignDb(clash, "create table runs(x)");
    const good = tmpStore("good-src");
    openStore(good).close();
    for (const file of [f, clash]) {
      const before = sha(file);
      const header = readFileSync(file).subarray(18, 20).toString("hex"); // the journal-mode bytes
      for (const args of [
        ["sweep", spec, "--store", file],
        ["merge", good, "--store", file],
        ["status", "--store", file],
        ["export", "--format", "csv", "--store", file],
      ]) {
        const r = await run(args);
        refused(r, new RegExp(`${file.replace(/[.]/g, "\\.")} is a SQLite database of another program.*not a grokscale results store`));
      }
      expect(sha(file)).toBe(before);
      expect(readFileSync(file).subarray(18, 20).toString("hex")).toBe(header);
      expect(existsSync(`${file}-wal`)).toBe(false);
      expect(existsSync(`${file}-shm`)).toBe(false);
      await expect(buildServer({ store: file })).rejects.toThrow(/not a grokscale results store/);
      expect(sha(file)).toBe(before);
    }
    const tables = query<{ name: string }>(f, `SELECT name FROM sqlite_master WHERE type = 'table'`).map((t) => t.name);
    expect(tables).toEqual(["foo"]);
  });

  it("a file that is not SQLite at all is refused; an empty file and a missing path become stores", async () => {
    const dir = dirOf("text");
    const spec = writeJson(dir, "spec.json", small);
    const text = join(dir, "notes.db");
    writeFileSync(text, "my notes\n");
    refused(await run(["sweep", spec, "--store", text]), /notes\.db is not a SQLite database/);
    expect(readFileSync(text, "utf8")).toBe("my notes\n");

    const empty = join(dir, "empty.db");
    writeFileSync(empty, "");
    const r = await run(["sweep", spec, "--store", empty, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ total: 2, left: 0 });
    const db = new Database(empty, { readonly: true });
    expect(db.pragma("application_id", { simple: true })).toBe(APPLICATION_ID);
    db.close();
    expect((await run(["sweep", spec, "--store", join(dir, "new", "deeper", "s.db"), "--json"])).code).toBe(0);
  });

  it("a store made before the application id (id 0, our meta table) is still ours, and gets stamped", () => {
    const path = tmpStore("legacy");
    const db = openStore(path);
    db.pragma("application_id = 0");
    db.close();
    const again = openStore(path, { readonly: true }); // read-only: recognised without writing
    expect(again.pragma("application_id", { simple: true })).toBe(0);
    again.close();
    const rw = openStore(path);
    expect(rw.pragma("application_id", { simple: true })).toBe(APPLICATION_ID);
    rw.close();
  });
});

describe("2. every key a spec author wrote is used or refused", () => {
  it.each([
    [{ name: "b", base: { __proto__: { p: 5 } }, seeds: 2 }, /base\.__proto__: "__proto__" is not a config field/],
    [{ name: "b", seeds: 1, cells: [{ p: 7 }, { label: "x", __proto__: { tau: 2 } }] }, /cells\[1\]\.__proto__/],
    [{ name: "b", seeds: 1, grid: { tau: [1, { constructor: 1 }] } }, /grid\.tau\[1\]\.constructor/],
    [{ name: "b", seeds: 1, __proto__: { x: 1 } }, /^grokscale: sweep spec \S+: __proto__/],
  ])("%#: one line naming the key path, exit 1, no store", async (spec, what) => {
    const dir = dirOf("proto");
    // JSON text as a user writes it: JSON.parse makes "__proto__" an own key (an object literal would not)
    const file = writeJson(dir, "spec.json", rawProto(spec));
    expect(readFileSync(file, "utf8")).toMatch(/"__proto__"|"constructor"/);
    const store = join(dir, "s.db");
    refused(await run(["sweep", file, "--store", store]), what);
    expect(existsSync(store)).toBe(false);
  });
});

/** JSON text of an object literal whose `__proto__:` set the prototype: written as an own key again. */
function rawProto(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(rawProto).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const own = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${rawProto(x)}`);
    const proto = Object.getPrototypeOf(v) as object | null;
    if (proto !== null && proto !== Object.prototype) own.push(`"__proto__":${rawProto({ ...proto })}`);
    return `{${own.join(",")}}`;
  }
  return JSON.stringify(v);
}

describe("3. sizes: linear resolution, stated limits, prompt SIGTERM", () => {
  // Linearity itself is a speed property, measured by scripts/bench-resolve.mjs, never timed here.
  it("resolving many seeds gives one job per seed with the same job ids; a repeated seed is refused", () => {
    const r = resolveSweepSpec({ name: "lin", seeds: 40_000, base: TINY });
    expect(r.jobs).toHaveLength(40_000);
    expect(new Set(r.jobs.map((j) => j.jobId)).size).toBe(40_000);
    const ids = resolveSweepSpec({ name: "ids", seeds: [3, 9], base: TINY });
    expect(ids.jobs.map((j) => j.jobId)).toEqual([jobIdOf(ids.cells[0]!.config, 3), jobIdOf(ids.cells[0]!.config, 9)]);
    expect(() => resolveSweepSpec({ name: "dup", seeds: [1, 2, 1] })).toThrow(/seeds: seed 1 is listed twice/);
  });

  it("a 1000x1000 grid and a list of 10^6 seeds are refused up front with their counts; the flag lets a sweep through", async () => {
    const dir = dirOf("sizes");
    const store = join(dir, "s.db");
    const grid = writeJson(dir, "grid.json", { name: "g", seeds: 1, grid: { tau: Array.from({ length: 1000 }, (_, i) => 1 + i / 1000), rho: Array.from({ length: 1000 }, (_, i) => 1 + i / 1000) } });
    refused(await run(["sweep", grid, "--store", store]), /grid\.json: 1000000 cells, more than the limit of 10000; pass --max-cells 1000000/);
    const seeds = writeJson(dir, "seeds.json", { name: "s", seeds: Array.from({ length: 1_000_000 }, (_, i) => i) });
    refused(await run(["sweep", seeds, "--store", store]), /seeds\.json: 1000000 jobs, more than the limit of 100000; pass --max-jobs 1000000/);
    expect(existsSync(store)).toBe(false);
    const three = writeJson(dir, "three.json", { name: "t", seeds: 3, base: TINY });
    refused(await run(["sweep", three, "--store", store, "--max-jobs", "2"]), /3 jobs, more than the limit of 2/);
    expect(existsSync(store)).toBe(false);
    expect((await run(["sweep", three, "--store", store, "--max-jobs", "3"])).code).toBe(0);
  });

  it("SIGTERM while a big sweep is being registered stops it within seconds and rolls the registration back", async () => {
    const dir = dirOf("sigterm");
    const store = join(dir, "s.db");
    // 15 cells x 10^4 seeds: resolved in a second or two, registered in several
    const spec = writeJson(dir, "big.json", { name: "big", seeds: 10_000, base: TINY, grid: { tau: Array.from({ length: 15 }, (_, i) => 1 + i / 10) } });
    const p = gs(["sweep", spec, "--store", store, "--max-jobs", "150000"]);
    const t0 = Date.now();
    while (!existsSync(`${store}-wal`) && p.child.exitCode === null) {
      if (Date.now() - t0 > 60_000) throw new Error("the store never appeared");
      await sleep(10);
    }
    await sleep(150);
    expect(p.child.exitCode).toBe(null); // still registering
    const sent = Date.now();
    p.child.kill("SIGTERM");
    const r = await p.done;
    expect(Date.now() - sent).toBeLessThan(5000);
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/interrupted while registering sweep big; nothing of it was written; run it again with: grokscale sweep/);
    expect(query<{ n: number }>(store, `SELECT COUNT(*) AS n FROM sweeps`)[0]!.n).toBe(0);
    expect(query<{ n: number }>(store, `SELECT COUNT(*) AS n FROM runs`)[0]!.n).toBe(0);
    expect(query<{ integrity_check: string }>(store, `PRAGMA integrity_check`)[0]!.integrity_check).toBe("ok");
  });
});

describe("4-6. model sizes, deep JSON, unmakeable paths", () => {
  it("a model no arena can hold is refused before running, naming the field", async () => {
    const dir = dirOf("arena");
    const store = join(dir, "s.db");
    const spec = writeJson(dir, "spec.json", { name: "big", seeds: 1, base: { d_embed: 3_200_000 } });
    refused(await run(["sweep", spec, "--store", store]), /spec\.json: base\.d_embed: the mlp needs a \d+ MB arena, more than the 4096 MB a WebAssembly memory can hold \(got 3200000\)/);
    const cells = writeJson(dir, "cells.json", { name: "t", seeds: 1, cells: [{ model: "transformer", d_mlp: 50_000_000 }] });
    refused(await run(["sweep", cells, "--store", store]), /cells\[0\]\.d_mlp: the transformer needs/);
    expect(existsSync(store)).toBe(false);
    refused(await run(["train", "--hidden", "9000000", "--steps", "10"]), /invalid config field "hidden": the mlp needs a \d+ MB arena/);
  });

  it("deeply nested JSON gives one line naming the file, for a spec and a --config file", async () => {
    const dir = dirOf("deep");
    const store = join(dir, "s.db");
    const deep = writeJson(dir, "deep.json", `{"name":"d","seeds":1,"base":{"p":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`);
    refused(await run(["sweep", deep, "--store", store]), /sweep spec \S*deep\.json: JSON nested 100002 levels deep, more than the limit of 64/);
    refused(await run(["train", "--config", deep]), /config file \S*deep\.json: JSON nested 100002 levels deep/);
    const forty = writeJson(dir, "forty.json", `{"name":"d","seeds":1,"base":{"p":${"[".repeat(40)}${"]".repeat(40)}}}`);
    refused(await run(["sweep", forty, "--store", store]), /forty\.json: base\.p(\[0\])+: nested deeper than 32 levels/);
    expect(existsSync(store)).toBe(false);
  });

  // a hang (the old recursive mkdir under /proc never returned) fails this test by its timeout
  it("a store or checkpoint folder under /proc fails with the folder named", async () => {
    const dir = dirOf("proc");
    const spec = writeJson(dir, "spec.json", small);
    refused(await run(["sweep", spec, "--store", "/proc/nope/x.db"]), /cannot make the store's folder \/proc\/nope: .*mkdir '\/proc\/nope'/);
    refused(await run(["worker", "--redis", "redis://127.0.0.1:1", "--checkpoint-dir", "/proc/nope/ck"]), /cannot make the checkpoint folder \/proc\/nope\/ck/);
    refused(await run(["status", "--store", "/proc/nope/x.db"]), /no results store at \/proc\/nope\/x\.db/);
    const good = tmpStore("proc-src");
    openStore(good).close();
    refused(await run(["export", "--format", "csv", "--table", "all", "--store", good, "--out", "/proc/nope/e"]), /cannot make the output folder \/proc\/nope\/e/);
    refused(await run(["train", "--p", "7", "--d-embed", "8", "--hidden", "16", "--steps", "20", "--kernels", "reference", "--quiet", "--out", "/proc/nope/t"]), /cannot make the output folder \/proc\/nope\/t/);
  });
});

describe("9. merge", () => {
  it("a refused merge into a new target leaves no file; into an existing one, the same bytes", async () => {
    const a = tmpStore("m-a");
    const b = tmpStore("m-b");
    expect((await run(["sweep", writeJson(dirname(a), "spec.json", small), "--store", a])).code).toBe(0);
    // b: the same sweep name with another spec
    expect((await run(["sweep", writeJson(dirname(b), "spec.json", { ...small, seeds: 1 }), "--store", b])).code).toBe(0);
    const dir = dirOf("m-target");
    const target = join(dir, "merged.db");
    refused(await run(["merge", a, b, "--store", target]), /sweep "h" has a different spec/);
    expect(readdirSync(dir)).toEqual([]); // no target, no temporary file
    refused(await run(["merge", a, b, "--store", join(dir, "sub", "merged.db")]), /different spec/);
    expect(readdirSync(dir)).toEqual([]); // not even the folder made for it
    const existing = tmpStore("m-existing");
    expect((await run(["merge", a, "--store", existing])).code).toBe(0);
    const before = sha(existing);
    refused(await run(["merge", b, "--store", existing]), /sweep "h" has a different spec/);
    expect(sha(existing)).toBe(before);
  });

  it("a cell whose label differs is refused, not duplicated", async () => {
    const a = tmpStore("l-a");
    const b = tmpStore("l-b");
    const spec = { name: "lab", seeds: 1, base: TINY, grid: { tau: [1, 2] } };
    for (const s of [a, b]) expect((await run(["sweep", writeJson(dirname(s), "spec.json", spec), "--store", s])).code).toBe(0);
    const db = new Database(b);
    db.prepare(`UPDATE sweep_cells SET label = 'renamed' WHERE position = 1`).run();
    db.close();
    const target = join(dirOf("l-t"), "t.db");
    refused(await run(["merge", a, b, "--store", target]), /sweep "lab" cell #1 has label "renamed" in \S+ but "tau=2" in/);
    expect(existsSync(target)).toBe(false);
    const ok = join(dirOf("l-ok"), "t.db");
    expect((await run(["merge", a, "--store", ok])).code).toBe(0);
    const cells = await run(["export", "--format", "jsonl", "--store", ok, "--table", "cells"]);
    expect(cells.code).toBe(0);
    expect(cells.stdout.trim().split("\n")).toHaveLength(2);
    expect(query<{ n: number }>(ok, `SELECT COUNT(*) AS n FROM sweep_cells`)[0]!.n).toBe(2);
  });
});

describe("refused operations on an existing store", () => {
  it("leave its bytes exactly as they were", async () => {
    const store = tmpStore("ours");
    const dir = dirname(store);
    expect((await run(["sweep", writeJson(dir, "spec.json", small), "--store", store])).code).toBe(0);
    const before = sha(store);
    const foreign = join(dir, "f.db");
    foreignDb(foreign, "create table foo(a)");
    const cases: [string[], RegExp][] = [
      [["sweep", writeJson(dir, "proto.json", rawProto({ name: "h", seeds: 1, base: { __proto__: { p: 5 } } })), "--store", store], /__proto__/],
      [["sweep", writeJson(dir, "grid.json", { name: "h", seeds: 1, grid: { tau: Array(200).fill(1), rho: Array(200).fill(1) } }), "--store", store], /40000 cells/],
      [["sweep", writeJson(dir, "arena.json", { name: "h", seeds: 1, base: { hidden: 9_000_000 } }), "--store", store], /base\.hidden/],
      [["sweep", writeJson(dir, "deep.json", `{"name":"h","seeds":1,"base":{"p":${"[".repeat(500)}${"]".repeat(500)}}}`), "--store", store], /nested 502 levels/],
      [["sweep", join(dir, "spec.json"), "--store", store, "--redis", "redis://127.0.0.1:6379/abc"], /database index must be a whole number/],
      [["merge", foreign, "--store", store], /another program/],
    ];
    for (const [args, what] of cases) {
      refused(await run(args), what);
      expect(sha(store)).toBe(before);
      expect(existsSync(`${store}-wal`)).toBe(false);
    }
  });
});

describe("10. a corrupt checkpoint", () => {
  it("is warned about on stderr and recorded in the run's resumes", async () => {
    const store = tmpStore("ckpt");
    const spec = { name: "ck", seeds: [0], base: TINY };
    const job = resolveSweepSpec(spec).jobs[0]!;
    const dir = jobCheckpointDir(`${store}-checkpoints`, job.jobId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${String(100).padStart(12, "0")}.ckpt`), "not a checkpoint at all, just damage".repeat(4));
    const r = await run(["sweep", writeJson(dirname(store), "spec.json", spec), "--store", store, "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`warning: job ${job.jobId.slice(0, 12)}: checkpoint of step 100 rejected \\(.*bad magic.*\\); resuming from the start`));
    const resumes = JSON.parse(query<{ r: string }>(store, `SELECT resumes_json AS r FROM runs WHERE job_id = ?`, job.jobId)[0]!.r) as {
      from_step: number; rejected: { step: number; reason: string }[];
    }[];
    expect(resumes[0]!.from_step).toBe(0);
    expect(resumes[0]!.rejected).toEqual([{ step: 100, reason: expect.stringMatching(/bad magic/) }]);
  });
});
