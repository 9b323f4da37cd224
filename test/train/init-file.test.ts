// The run-config option init_from: a file of initial weights and the train/test split. A good file
// sets exactly the model's parameters and the split; every bad file gives one error naming the file
// and the offending field.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/base/config.js";
import { openSession } from "../../src/train/session.js";
import { FIXTURES } from "../oracle/helpers.js";

const GOOD = join(FIXTURES, "mlp-ce-f64.init.json");
const good = () => JSON.parse(readFileSync(GOOD, "utf8")) as Record<string, unknown> & { params: Record<string, number[]>; train: number[]; test: number[] };
const base = { p: 11, d_embed: 8, hidden: 16, kernels: "reference" as const };
const dir = mkdtempSync(join(tmpdir(), "grokscale-init-"));
let n = 0;
function fileWith(obj: unknown): string {
  const path = join(dir, `init-${n++}.json`);
  writeFileSync(path, typeof obj === "string" ? obj : JSON.stringify(obj));
  return path;
}
const open = (path: string, extra: Record<string, unknown> = {}) => openSession(resolveConfig({ ...base, init_from: path, ...extra }), 0);

describe("init_from", () => {
  it("loads the weights (rounded to the dtype) and the split, for every seed", () => {
    const f = good();
    for (const [dtype, seed] of [["f64", 0], ["f32", 3]] as const) {
      const s = openSession(resolveConfig({ ...base, dtype, init_from: GOOD }), seed);
      const P = s.model.params;
      for (const e of P.entries) expect(Array.from(P.slice(P.data, e.name))).toEqual(f.params[e.name]!.map(dtype === "f32" ? Math.fround : (x) => x));
      expect(Array.from(s.data.train)).toEqual(f.train);
      expect(Array.from(s.data.test)).toEqual(f.test);
      expect(Array.from(s.trainA)).toEqual(f.train.map((i) => Math.floor(i / 11)));
      expect(Array.from(s.trainB)).toEqual(f.train.map((i) => i % 11));
    }
  });

  it("rejects bad files with one line naming the file and the field", () => {
    const f = good();
    const cases: Array<[unknown, RegExp]> = [
      ["{not json", /not JSON/],
      [{ ...f, format: "other/9" }, /field "format"/],
      [{ ...f, extra: 1 }, /unknown key\(s\): extra/],
      [{ ...f, model: "transformer" }, /model is "transformer", the config's is "mlp"/],
      [{ ...f, p: 13 }, /p is 13, the config's is 11/],
      [{ ...f, params: { ...f.params, W3: [1] } }, /params\.W3: the model has no parameter/],
      [{ ...f, params: { ...f.params, W1: [1, 2, 3] } }, /params\.W1 has 3 values, the model needs 256 \(shape \[16,16\]\)/],
      [{ ...f, params: { ...f.params, b2: ["x"] } }, /field "params\.b2\.0"/],
      [{ ...f, train: [...f.train, 121] }, /train holds pair index 121, but the task has 121 pairs/],
      [{ ...f, train: [...f.train, f.test[0]] }, /test holds pair index \d+ a second time/],
      [{ ...f, test: f.test.slice(1) }, /train and test hold 120 pairs, the task has 121/],
      [{ ...f, train: [...f.train, f.test[0]], test: f.test.slice(1) }, /train holds 49 pairs, train_frac 0.4 of 121 gives 48/],
      [{ ...f, train: [1.5] }, /field "train\.0"/],
    ];
    for (const [obj, re] of cases) {
      const path = fileWith(obj);
      let msg = "";
      try {
        open(path);
      } catch (e) {
        msg = (e as Error).message;
      }
      expect(msg, JSON.stringify(obj).slice(0, 60)).toMatch(re);
      expect(msg).toContain(`init_from ${path}`);
      expect(msg).not.toContain("\n");
    }
    const missing = { ...f, params: { ...f.params } };
    delete missing.params["E"];
    expect(() => open(fileWith(missing))).toThrow(/params\.E is missing/);
    expect(() => open(join(dir, "absent.json"))).toThrow(/init_from .*absent\.json: cannot read it/);
    expect(() => resolveConfig({ ...base, init_from: "" })).toThrow(/invalid config field "init_from"/);
  });
});
