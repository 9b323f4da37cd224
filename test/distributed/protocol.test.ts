// The coordinator-worker protocol without Redis: exact JSON keeps every float64 (and -0, NaN,
// ±Infinity); a worker refuses job data whose ids or hashes do not match its config; the coordinator
// refuses results that are malformed or for another job, config or seed; live rows travel exactly
// and one that is not a row is skipped.
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/base/config.js";
import {
  checkJobData, decodeLiveRow, decodeResult, encodeLiveRow, encodeResult, makeJobData, PROTOCOL, resultMismatch, type QueueResult,
} from "../../src/distributed/protocol.js";
import { runMismatch } from "../../src/sweep/job-record.js";
import { fromJson, toJson } from "../../src/sweep/json.js";
import { cellIdOf, jobIdOf } from "../../src/experiments/sweep-spec.js";
import { TINY } from "../sweep/helpers.js";

const config = resolveConfig(TINY);
const job = { jobId: jobIdOf(config, 3), cellId: cellIdOf(config), seed: 3, config };

const row = (step: number, loss: number) => ({
  step, train_loss: loss, test_loss: loss, train_acc: 0.5, test_acc: 0.25, weight_norm: 1 / 3, norms: { E: 0.1, W1: -0 },
  logit_scale: 2, frac_saturated: 0, collapse_rate: 0, fourier_top5: 0.7,
});
const result = (): QueueResult => ({
  protocol: PROTOCOL, jobId: job.jobId, configHash: cellIdOf(config), seed: 3, codeVersion: "grokscale@test", worker: "w",
  result: {
    seed: 3, T_mem: 100, T_grok: null, delay: null, grokked: false, status: "diverged", steps_run: 125, wall_s: 0.1,
    norm_at_grok: null, norm_at_fork: null, final: row(125, Number.NaN), log: [row(1, 4.1), row(125, Number.POSITIVE_INFINITY)],
  },
});

describe("protocol", () => {
  it("exact JSON round-trips every float64, -0, NaN and ±Infinity", () => {
    const xs = [0.1 + 0.2, 1 / 3, Number.MIN_VALUE, Number.MAX_VALUE, -0, 0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5e-324, -1.7976931348623157e308];
    const back = fromJson<{ xs: number[] }>(toJson({ xs }));
    back.xs.forEach((x, i) => expect(Object.is(x, xs[i])).toBe(true));
    const r = decodeResult(encodeResult(result()));
    expect(r).toEqual(result());
    expect(Object.is(r.result.log[0]!.norms["W1"], -0)).toBe(true);
  });

  it("a worker checks job data against its own resolution of the config", () => {
    const data = makeJobData(job, 100, "s", "base");
    expect(checkJobData(data, job.jobId).config).toEqual(config);
    expect(() => checkJobData(data, "x".repeat(64))).toThrow(/queue id .* is not the job id/);
    expect(() => checkJobData({ ...data, configHash: "0".repeat(64) }, job.jobId)).toThrow(/config hash does not match/);
    expect(() => checkJobData({ ...data, seed: 4 }, job.jobId)).toThrow(/job id does not match its config and seed/);
    expect(() => checkJobData({ ...data, config: { ...config, tau: 2 } }, job.jobId)).toThrow(/config hash does not match/);
    const { lr: _lr, ...partial } = config;
    expect(() => checkJobData({ ...data, config: partial }, job.jobId)).toThrow(/resolves differently/);
    expect(() => checkJobData({ ...data, protocol: PROTOCOL + 1 }, job.jobId)).toThrow(new RegExp(`protocol ${PROTOCOL + 1}`));
  });

  it("the coordinator refuses malformed results and results for another job, config or seed", () => {
    const want = { jobId: job.jobId, configHash: cellIdOf(config), seed: 3 };
    expect(resultMismatch(result(), want)).toBeNull();
    expect(resultMismatch({ ...result(), configHash: "0".repeat(64) }, want)).toMatch(/config hash mismatch/);
    expect(resultMismatch({ ...result(), jobId: "a".repeat(64) }, want)).toMatch(/result names job aaaaaaaaaaaa/);
    expect(resultMismatch({ ...result(), seed: 4 }, want)).toMatch(/seed mismatch: result is for seed 4, job has 3/);
    // the run inside the envelope is checked by the record step every path shares
    const r = result();
    r.result.seed = 4;
    expect(runMismatch(job, r.result)).toMatch(/seed mismatch: result has 4, job has 3/);
    expect(() => decodeResult({})).toThrow(/not an encoded result/);
    expect(() => decodeResult("{")).toThrow(/not valid JSON/);
    expect(() => decodeResult(JSON.stringify({ ...result(), result: { ...result().result, status: "great" } }))).toThrow(/result field result\.status/);
  });

  it("live rows round-trip exactly (NaN, -0, ±Infinity); what is not a row decodes to null", () => {
    const r = row(150, Number.NEGATIVE_INFINITY);
    const back = decodeLiveRow(encodeLiveRow(r))!;
    expect(back).toEqual(r);
    expect(Object.is(back.norms["W1"], -0)).toBe(true);
    expect(Number.isNaN(decodeLiveRow(encodeLiveRow(row(1, Number.NaN)))!.train_loss)).toBe(true);
    expect(decodeLiveRow("{")).toBeNull();
    expect(decodeLiveRow(JSON.stringify({ ...r, step: 1.5 }))).toBeNull();
    expect(decodeLiveRow(JSON.stringify({ step: 1 }))).toBeNull();
  });
});
