// Tests for the .npy/.npz readers: every dtype and shape the paper's files use, byte order, Fortran
// order, and clear errors for damaged input. Fixtures come from fixtures.ts's writer (checked once
// against NumPy by hand); the real paper files are exercised in paper-data.test.ts.
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { parseNpy } from "../../src/analysis/npy.js";
import { readNpz } from "../../src/analysis/npz.js";
import { npyBytes } from "./fixtures.js";

describe("parseNpy", () => {
  it("reads float32, float64, int64 and int32 vectors", () => {
    expect(parseNpy(npyBytes({ descr: "<f4", shape: [3], values: [1.5, -2, 0.1] })).values).toEqual([1.5, -2, Math.fround(0.1)]);
    expect(parseNpy(npyBytes({ descr: "<f8", shape: [2], values: [0.1, 1e300] })).values).toEqual([0.1, 1e300]);
    expect(parseNpy(npyBytes({ descr: "<i8", shape: [3], values: [-1, 0, 137179] })).values).toEqual([-1, 0, 137179]);
    expect(parseNpy(npyBytes({ descr: "<i4", shape: [2], values: [-7, 7] })).values).toEqual([-7, 7]);
  });

  it("reads scalars with shape ()", () => {
    const a = parseNpy(npyBytes({ descr: "<i8", shape: [], values: [59] }));
    expect(a.shape).toEqual([]);
    expect(a.values).toEqual([59]);
    expect(parseNpy(npyBytes({ descr: "|b1", shape: [], values: [true] })).values).toEqual([true]);
  });

  it("reads fixed-width unicode, stripping NUL padding, beyond ASCII", () => {
    const a = parseNpy(npyBytes({ descr: "<U5", shape: [2], values: ["ce", "τ=1.3"] }));
    expect(a.values).toEqual(["ce", "τ=1.3"]);
  });

  it("honours big-endian data", () => {
    expect(parseNpy(npyBytes({ descr: ">f8", shape: [2], values: [1.25, -3] })).values).toEqual([1.25, -3]);
    expect(parseNpy(npyBytes({ descr: ">i4", shape: [1], values: [-2] })).values).toEqual([-2]);
  });

  it("returns Fortran-order arrays in C order", () => {
    // memory 1..6 in Fortran order for shape (2, 3) is the matrix [[1, 3, 5], [2, 4, 6]]
    const a = parseNpy(npyBytes({ descr: "<f8", shape: [2, 3], values: [1, 2, 3, 4, 5, 6], fortran: true }));
    expect(a.shape).toEqual([2, 3]);
    expect(a.values).toEqual([1, 3, 5, 2, 4, 6]);
  });

  it("rejects bad magic, truncated data and unsupported dtypes with a message", () => {
    expect(() => parseNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))).toThrow(/bad magic/);
    const good = npyBytes({ descr: "<f8", shape: [4], values: [1, 2, 3, 4] });
    expect(() => parseNpy(good.subarray(0, good.length - 8))).toThrow(/truncated .npy data/);
    const c16 = new TextDecoder("latin1").decode(npyBytes({ descr: "<f8", shape: [1], values: [1] })).replace("<f8", "<c8");
    expect(() => parseNpy(Uint8Array.from(c16, (ch) => ch.charCodeAt(0)))).toThrow(/unsupported .npy dtype "<c8"/);
  });

  it("refuses int64 values a double cannot hold exactly", () => {
    const b = npyBytes({ descr: "<i8", shape: [1], values: [0] });
    new DataView(b.buffer).setBigInt64(b.length - 8, 2n ** 60n, true);
    expect(() => parseNpy(b)).toThrow(/does not fit/);
  });
});

describe("readNpz", () => {
  it("maps member names without .npy to arrays", () => {
    const z = zipSync({ "a.npy": npyBytes({ descr: "<i8", shape: [], values: [3] }), "b.npy": npyBytes({ descr: "<f4", shape: [1], values: [2] }) });
    const m = readNpz(z, "x.npz");
    expect([...m.keys()].sort()).toEqual(["a", "b"]);
    expect(m.get("a")!.values).toEqual([3]);
  });

  it("names the file on a damaged archive", () => {
    expect(() => readNpz(new Uint8Array([80, 75, 3, 4, 0, 0, 9, 9, 9]), "dose/broken.npz")).toThrow(/dose\/broken\.npz: not a readable \.npz/);
    expect(() => readNpz(new TextEncoder().encode("hello"), "junk.npz")).toThrow(/junk\.npz/);
  });

  it("names the file and member on a damaged array", () => {
    const z = zipSync({ "a.npy": new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 9, 0, 0, 0]) });
    expect(() => readNpz(z, "m/x.npz")).toThrow(/m\/x\.npz: member a\.npy: unsupported \.npy format version 9/);
  });

  it("rejects a zip that is not an npz", () => {
    const z = zipSync({ "readme.txt": new TextEncoder().encode("hi") });
    expect(() => readNpz(z, "other.npz")).toThrow(/other\.npz: member readme\.txt is not a \.npy array/);
  });
});
