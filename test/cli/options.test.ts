// The command line's config flags and integer parser: every RunConfigSchema field has its --kebab flag
// and reaches resolveConfig with its value; bad values are named by field; `--version` prints
// package.json's version. Commander runs with exitOverride, so nothing here exits the process.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { ConfigError, RunConfigSchema, resolveConfig } from "../../src/base/config.js";
import { buildProgram } from "../../src/cli/main.js";
import { addConfigOptions, intFlag, rawConfigFromOptions } from "../../src/cli/options.js";

/** Parses `args` as a command with the config flags and returns the raw config. */
function raw(args: string[]): Record<string, unknown> {
  let got: Record<string, unknown> = {};
  const cmd = addConfigOptions(new Command("t").exitOverride()).action((opts: Record<string, unknown>) => {
    got = rawConfigFromOptions(opts);
  });
  cmd.parse(["node", "t", ...args]);
  return got;
}

const fields = Object.keys(RunConfigSchema.shape);

describe("config flags", () => {
  it("one --kebab-case flag per schema field, listed in --help", () => {
    let help = "";
    const cmd = addConfigOptions(new Command("t").exitOverride().configureOutput({ writeOut: (s) => (help += s) }));
    expect(() => cmd.parse(["node", "t", "--help"])).toThrow(CommanderError);
    expect(fields.length).toBeGreaterThan(30);
    for (const f of fields) expect(help).toContain(`--${f.replace(/_/g, "-")}`);
  });

  it("the fields the hand-written list lacked reach the resolved config", () => {
    const c = resolveConfig(
      raw(["--model", "transformer", "--d-model", "64", "--heads", "2", "--d-mlp", "96", "--beta1", "0.8", "--beta2", "0.99", "--eps", "1e-6"]),
    );
    expect([c.model, c.d_model, c.heads, c.d_mlp, c.beta1, c.beta2, c.eps]).toEqual(["transformer", 64, 2, 96, 0.8, 0.99, 1e-6]);
    const f = resolveConfig(raw(["--fork-at", "300", "--fork-arm", "raised", "--fork-factor", "1.3"]));
    expect([f.fork_at, f.fork_arm, f.fork_factor]).toEqual([300, "raised", 1.3]);
  });

  it("every field given as a flag arrives with that value (a non-default value per field)", () => {
    // a value for each field that differs from its default and passes the schema on its own
    const values: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(RunConfigSchema.shape)) {
      const def: unknown = s.parse(undefined);
      let inner: z.ZodType = s;
      while (inner instanceof z.ZodDefault || inner instanceof z.ZodNullable || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
      if (inner instanceof z.ZodEnum) values[k] = inner.options.find((o) => o !== def);
      else if (inner instanceof z.ZodBoolean) values[k] = !def;
      else if (inner instanceof z.ZodString) values[k] = "some/file.json"; // e.g. init_from: a path, passed through as text
      else values[k] = [3, 7, 0.5, 0.25, 1.5, 600].find((x) => x !== def && inner.safeParse(x).success);
      expect(values[k], k).toBeDefined();
    }
    const args: string[] = [];
    for (const [k, v] of Object.entries(values)) {
      if (typeof v === "boolean") args.push(`--${v ? "" : "no-"}${k.replace(/_/g, "-")}`);
      else args.push(`--${k.replace(/_/g, "-")}`, String(v));
    }
    expect(raw(args)).toEqual(values);
    expect(Object.keys(values).sort()).toEqual([...fields].sort());
  });

  it("flags override --config; null and none clear a nullable field; absent booleans leave the file's", () => {
    const dir = mkdtempSync(join(tmpdir(), "grokscale-options-"));
    try {
      const file = join(dir, "cfg.json");
      writeFileSync(file, JSON.stringify({ p: 23, wc: 10, stop_on_grok: false }));
      expect(raw(["--config", file, "--p", "31", "--wc", "none"])).toEqual({ p: 31, wc: null, stop_on_grok: false });
      expect(raw(["--config", file, "--stop-on-grok"])).toEqual({ p: 23, wc: 10, stop_on_grok: true });
      expect(raw(["--lr", "null"])).toEqual({ lr: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a bad value is one error naming the field and the value", () => {
    const bad = (args: string[]) => () => resolveConfig(raw(args));
    expect(bad(["--heads", "0"])).toThrow(ConfigError);
    expect(bad(["--heads", "0"])).toThrow(/"heads".*\(got 0\)/);
    expect(bad(["--steps", "1.5"])).toThrow(/"steps".*\(got 1\.5\)/);
    expect(bad(["--beta2", "abc"])).toThrow(/"beta2".*\(got "abc"\)/);
    expect(bad(["--op", "pow"])).toThrow(/"op".*\(got "pow"\)/);
    expect(bad(["--eps", "null"])).toThrow(/"eps".*\(got "null"\)/); // eps is not nullable
  });
});

describe("intFlag, the one integer parser", () => {
  it("reads integers as Number does and enforces the bounds", () => {
    expect(intFlag("--n", "12")).toBe(12);
    expect(intFlag("--n", " 1e3 ")).toBe(1000);
    expect(intFlag("--n", "0", 0)).toBe(0);
    expect(intFlag("--n", "-4", -Infinity)).toBe(-4);
    expect(intFlag("--n", 8080, 0, 65535)).toBe(8080);
  });
  it("names the flag and the value when it refuses", () => {
    expect(() => intFlag("--workers", "0")).toThrow(`--workers must be a positive integer (got "0")`);
    expect(() => intFlag("--workers", "")).toThrow(/--workers must be a positive integer/);
    expect(() => intFlag("--workers", "2.5")).toThrow(/--workers/);
    expect(() => intFlag("--seed0", "-1", 0)).toThrow(`--seed0 must be a non-negative integer (got "-1")`);
    expect(() => intFlag("--seed", "x", -Infinity)).toThrow(`--seed must be an integer (got "x")`);
    expect(() => intFlag("--port", "70000", 0, 65535)).toThrow(`--port must be an integer in 0..65535 (got "70000")`);
    expect(() => intFlag("--p", "1", 2)).toThrow(`--p must be an integer >= 2 (got "1")`);
  });
  it("as a commander argParser, the error comes out of parse", () => {
    const cmd = new Command("t").exitOverride().option("--workers <n>", "w", intFlag.parser("--workers"));
    expect(() => cmd.parse(["node", "t", "--workers", "x"])).toThrow(`--workers must be a positive integer (got "x")`);
    cmd.parse(["node", "t", "--workers", "3"]);
    expect(cmd.opts()["workers"]).toBe(3);
  });
});

describe("grokscale --version", () => {
  it("prints package.json's version", () => {
    let out = "";
    const program = buildProgram().exitOverride().configureOutput({ writeOut: (s) => (out += s) });
    expect(() => program.parse(["node", "grokscale", "--version"])).toThrow(CommanderError);
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(out.trim()).toBe(pkg.version);
  });
});
