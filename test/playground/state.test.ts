// The playground's shareable state (src/playground/state.ts): links round-trip (the E10/E11 switches
// ⊥Grad and lr·ρ too), bad links fail with one line naming the field and value, and the command the
// page shows parses, through the CLI's own flag definitions, to exactly the config the page trains.
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { addConfigOptions, rawConfigFromOptions } from "../../src/cli/options.js";
import { RunConfigSchema, resolveConfig } from "../../src/base/config.js";
import { armConfig, armConfigs, decodeState, DEFAULT_STATE, encodeState, trainCommand, type PlaygroundState } from "../../src/playground/state.js";

/** The config `grokscale train` builds from a command line (its flag parser, not ours). */
function cliConfig(command: string) {
  const args = command.replace(/^npx grokscale train /, "").split(" ");
  const cmd = addConfigOptions(new Command()).option("--seed0 <n>").option("--seeds <n>").option("--json").exitOverride();
  cmd.parse(args, { from: "user" });
  return { config: resolveConfig(rawConfigFromOptions(cmd.opts())), seed: Number(cmd.opts()["seed0"]) };
}

const CUSTOM: PlaygroundState = {
  seed: 12,
  base: { p: 31, op: "sub", train_frac: 0.5, d_embed: 32, hidden: 64, lr: 0.01, dtype: "f64", steps: 5000, log_every: 25 },
  arms: [{}, { tau: 1.7, loss: "mse" }, { wc: 30, rho: 1.15, t_int: 100 }, { fork_at: 400, fork_arm: "raised" }],
};

/** E10's cures and E11's lr·ρ as arms (docs/study.md §11): StableMax, ⊥Grad, a clamp with lr·ρ. */
const BEYOND: PlaygroundState = {
  seed: 5,
  base: { p: 23, d_embed: 16, hidden: 32, lr: 0.03, steps: 3000, log_every: 25 },
  arms: [{}, { loss: "stablemax" }, { orthograd: true }, { wc: 30, rho: 1.15, t_int: 100, lr_scale_with_rho: true }],
};

describe("playground links", () => {
  it("round-trip the default and a custom state", () => {
    for (const s of [DEFAULT_STATE, CUSTOM, BEYOND]) {
      const back = decodeState(encodeState(s));
      expect(armConfigs(back)).toEqual(armConfigs(s));
      expect(back.seed).toBe(s.seed);
    }
    expect(decodeState("")).toEqual(DEFAULT_STATE);
    expect(encodeState(CUSTOM)).toContain("arm=tau%3A1.7%2Closs%3Amse");
  });

  it("carry the ⊥Grad and lr·ρ switches into the arms' configs, and leave a switch that is off out", () => {
    const q = new URLSearchParams(encodeState(BEYOND));
    expect(q.getAll("arm")).toEqual(["", "loss:stablemax", "orthograd:true", "wc:30,rho:1.15,t_int:100,lr_scale_with_rho:true"]);
    const cfgs = armConfigs(decodeState(q.toString()));
    expect(cfgs.map((c) => [c.loss, c.orthograd ?? false, c.lr_scale_with_rho ?? false])).toEqual([
      ["ce", false, false],
      ["stablemax", false, false],
      ["ce", true, false],
      ["ce", false, true],
    ]);
    expect(trainCommand(cfgs[2]!, 5)).toContain(" --orthograd ");
    expect(trainCommand(cfgs[3]!, 5)).toContain(" --lr-scale-with-rho ");
    // off is the schema's absence: not in the link, not in the config, not in the command
    const off = { seed: 0, base: { orthograd: false }, arms: [{ lr_scale_with_rho: false }] };
    expect(encodeState(off)).toBe("seed=0&arm=lr_scale_with_rho%3Afalse");
    expect(new URLSearchParams(encodeState({ ...off, arms: [{}] })).has("orthograd")).toBe(false);
    expect(armConfig(decodeState("seed=0&orthograd=false&arm=orthograd:false"), 0)).toEqual(resolveConfig({}));
    // a shared switch, turned off in one arm
    const shared = armConfigs(decodeState("seed=0&orthograd=true&arm=&arm=orthograd:false"));
    expect(shared.map((c) => c.orthograd ?? false)).toEqual([true, false]);
  });

  it("name only what differs from the schema's defaults", () => {
    const q = new URLSearchParams(encodeState({ seed: 0, base: { p: 59, tau: 1, steps: 40000 }, arms: [{}] }));
    expect([...q.keys()]).toEqual(["seed", "arm"]);
  });

  it("refuse bad links with one line naming the field and value", () => {
    expect(() => decodeState("seed=1&tau=-1&arm=")).toThrow(/^invalid config field "tau".*\(got -1\)$/);
    expect(() => decodeState("seed=1&bogus=3")).toThrow(/unknown config key "bogus"/);
    expect(() => decodeState("seed=x")).toThrow(/invalid seed in the link: "x"/);
    expect(() => decodeState("seed=1&arm=tau")).toThrow(/invalid arm in the link: "tau"/);
    expect(() => decodeState("seed=1&p=101")).toThrow(/"p".*up to 97 \(got 101\)/);
    expect(() => decodeState("seed=1&arm=&arm=loss:hinge")).toThrow(/^arm 2: invalid config field "loss"/);
    expect(() => decodeState("seed=1&dtype=f16")).toThrow(/"dtype".*\(got "f16"\)/);
    expect(() => decodeState("seed=1&kernels=reference")).toThrow(/"kernels": the playground trains with the wasm kernels.*\(got "reference"\)/);
    expect(() => decodeState(`seed=1${"&arm=".repeat(5)}`)).toThrow(/5 arms; the playground runs at most 4/);
    // lr·ρ scales lr under the clamp: without one (wc null) the config is refused, naming the field
    expect(() => decodeState("seed=1&arm=&arm=lr_scale_with_rho:true")).toThrow(/^arm 2: invalid config field "lr_scale_with_rho".*\(got true\)$/);
    expect(() => decodeState("seed=1&arm=orthograd:yes")).toThrow(/^invalid config field "orthograd".*\(got "yes"\)$/);
  });

  it("show a train command that grokscale's flag parser turns into the same config and seed", () => {
    for (const s of [DEFAULT_STATE, CUSTOM, BEYOND]) {
      s.arms.forEach((_, i) => {
        const cfg = armConfig(s, i);
        const cmd = trainCommand(cfg, s.seed);
        expect(cmd).not.toContain("--config");
        expect(cliConfig(cmd)).toEqual({ config: cfg, seed: s.seed });
      });
    }
    const adam = armConfig({ seed: 0, base: { beta2: 0.98, d_model: 64 }, arms: [{}] }, 0);
    expect(trainCommand(adam, 0)).toContain("--beta2 0.98");
    expect(cliConfig(trainCommand(adam, 0))).toEqual({ config: adam, seed: 0 });
  });

  it("name only flags grokscale train has: every config field has one", () => {
    const cmd = addConfigOptions(new Command());
    const flags = new Set(cmd.options.map((o) => o.long));
    for (const key of Object.keys(RunConfigSchema.parse({}))) {
      const flag = key === "stop_on_grok" ? "--no-stop-on-grok" : `--${key.replace(/_/g, "-")}`;
      expect(flags.has(flag), key).toBe(true);
    }
  });
});
