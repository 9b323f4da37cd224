// Checkpoint files: atomic writes keep the two newest; a corrupt, truncated or foreign latest
// checkpoint is rejected (envelope checksum, then the snapshot's own checksum) and loading falls
// back to the previous good one, or to nothing — never to garbage.
import { readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/base/config.js";
import { CheckpointError, loadCheckpoint, openCheckpoint, sealCheckpoint, writeCheckpoint } from "../../src/sweep/checkpoints.js";
import { decodeSnapshot, encodeSnapshot } from "../../src/train/snapshot.js";
import { runSeed } from "../../src/train/trainer.js";
import type { Snapshot } from "../../src/train/types.js";
import { TINY, tmpStore, cleanupTmp } from "./helpers.js";

afterAll(cleanupTmp);

const dir = (): string => dirname(tmpStore("ckpt"));
const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);
const raw = (payload: Uint8Array): Uint8Array => payload;

describe("checkpoint files", () => {
  it("seal and open round-trip; a flipped byte or a cut is detected", () => {
    const sealed = sealCheckpoint(bytes(1000, 7));
    expect(Buffer.from(openCheckpoint(sealed)).equals(Buffer.from(bytes(1000, 7)))).toBe(true);
    const flipped = Buffer.from(sealed);
    flipped[600] ^= 1;
    expect(() => openCheckpoint(flipped)).toThrow(/checksum/);
    expect(() => openCheckpoint(sealed.subarray(0, 900))).toThrow(/truncated/);
    expect(() => openCheckpoint(sealed.subarray(0, 20))).toThrow(CheckpointError);
  });

  it("keeps the two newest and ignores half-written temporary files", () => {
    const d = dir();
    for (const step of [100, 200, 300]) writeCheckpoint(d, step, bytes(64, step % 256));
    writeFileSync(join(d, ".000000000400.ckpt.tmp-1-0"), "half a checkpoint");
    expect(readdirSync(d).filter((n) => n.endsWith(".ckpt")).sort()).toEqual(["000000000200.ckpt", "000000000300.ckpt"]);
    const got = loadCheckpoint(d, raw);
    expect(got.step).toBe(300);
    expect(got.rejected).toEqual([]);
  });

  it("falls back from a corrupt latest to the previous one, and from two bad ones to a fresh start", () => {
    const d = dir();
    writeCheckpoint(d, 100, bytes(64, 1));
    const latest = writeCheckpoint(d, 200, bytes(64, 2));
    const buf = readFileSync(latest);
    buf[buf.length - 1] ^= 0xff;
    writeFileSync(latest, buf);
    const got = loadCheckpoint(d, raw);
    expect(got.step).toBe(100);
    expect(got.value![0]).toBe(1);
    expect(got.rejected).toEqual([{ step: 200, reason: "checksum mismatch" }]);

    truncateSync(join(d, "000000000100.ckpt"), 30);
    const none = loadCheckpoint(d, raw);
    expect(none.value).toBeNull();
    expect(none.rejected.map((r) => r.step)).toEqual([200, 100]);
    expect(none.rejected[1]!.reason).toMatch(/truncated/);
  });

  it("a sound envelope around a damaged snapshot is still rejected by the snapshot's own checksum", () => {
    const cfg = resolveConfig({ ...TINY, steps: 60 });
    const snaps: Snapshot[] = [];
    runSeed(cfg, 0, { checkpointEvery: 20, onCheckpoint: (s) => snaps.push(s) });
    expect(snaps.map((s) => s.step)).toEqual([20, 40]);
    const d = dir();
    writeCheckpoint(d, 20, encodeSnapshot(snaps[0]!));
    const bad = encodeSnapshot(snaps[1]!);
    bad[bad.length >> 1] ^= 1; // corrupted before it was sealed: the envelope cannot know
    writeCheckpoint(d, 40, bad);
    const got = loadCheckpoint(d, (p) => decodeSnapshot(p));
    expect(got.step).toBe(20);
    expect(got.value!.step).toBe(20);
    expect(got.rejected[0]!.reason).toMatch(/snapshot checksum mismatch/);
  });
});
