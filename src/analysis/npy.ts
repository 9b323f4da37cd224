// A reader for NumPy's .npy format (versions 1-3): the header dict, then the raw array. Handles the
// dtypes the paper's files use: floats (<f4 <f8), ints (<i1..<i8, <u1..<u8), bool (|b1) and fixed
// unicode (<Un), either byte order, any shape including scalars (), C or Fortran order.
// Not a general NumPy: no structured or object dtypes, no pickles, no memory mapping, no writing.

export type NpyValue = number | string | boolean;

export interface NpyArray {
  descr: string; // e.g. "<f4"
  shape: number[]; // [] for a scalar
  values: NpyValue[]; // C order, length = product(shape) (1 for a scalar)
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** Parse one .npy byte buffer; throws an Error saying what is wrong with it. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error("not a .npy array (bad magic bytes)");
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new Error("truncated .npy header");
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new Error(`unsupported .npy format version ${major}`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) throw new Error("truncated .npy header");
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(headerStart, dataStart));
  const { descr, fortranOrder, shape } = parseHeader(header);
  const count = shape.reduce((a, b) => a * b, 1);
  const reader = elementReader(descr);
  const need = count * reader.size;
  if (bytes.length - dataStart < need) {
    throw new Error(`truncated .npy data: need ${need} bytes for shape (${shape.join(", ")}), have ${bytes.length - dataStart}`);
  }
  const values: NpyValue[] = new Array(count);
  for (let i = 0; i < count; i++) values[i] = reader.read(view, dataStart + i * reader.size);
  return { descr, shape, values: fortranOrder && shape.length > 1 ? fortranToC(values, shape) : values };
}

function parseHeader(h: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(h);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(h);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(h);
  if (!descr || !fortran || !shape) {
    if (/'descr'\s*:\s*\[/.test(h)) throw new Error("structured .npy dtypes are not supported");
    throw new Error(`malformed .npy header: ${JSON.stringify(h.trim().slice(0, 120))}`);
  }
  const dims = shape[1]!
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ""));
      if (!Number.isInteger(n) || n < 0) throw new Error(`malformed .npy shape: (${shape[1]})`);
      return n;
    });
  return { descr: descr[1]!, fortranOrder: fortran[1] === "True", shape: dims };
}

interface ElementReader {
  size: number;
  read(view: DataView, offset: number): NpyValue;
}

function elementReader(descr: string): ElementReader {
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  if (!m) throw new Error(`unsupported .npy dtype ${JSON.stringify(descr)}`);
  const little = m[1] !== ">"; // '|' (no order) and '=' (native, little on every platform we run on)
  const kind = m[2]!;
  const n = Number(m[3]);
  switch (kind) {
    case "f":
      if (n === 4) return { size: 4, read: (v, o) => v.getFloat32(o, little) };
      if (n === 8) return { size: 8, read: (v, o) => v.getFloat64(o, little) };
      break;
    case "i":
      if (n === 1) return { size: 1, read: (v, o) => v.getInt8(o) };
      if (n === 2) return { size: 2, read: (v, o) => v.getInt16(o, little) };
      if (n === 4) return { size: 4, read: (v, o) => v.getInt32(o, little) };
      if (n === 8) return { size: 8, read: (v, o) => safeInt(v.getBigInt64(o, little)) };
      break;
    case "u":
      if (n === 1) return { size: 1, read: (v, o) => v.getUint8(o) };
      if (n === 2) return { size: 2, read: (v, o) => v.getUint16(o, little) };
      if (n === 4) return { size: 4, read: (v, o) => v.getUint32(o, little) };
      if (n === 8) return { size: 8, read: (v, o) => safeInt(v.getBigUint64(o, little)) };
      break;
    case "b":
      if (n === 1) return { size: 1, read: (v, o) => v.getUint8(o) !== 0 };
      break;
    case "U":
      return { size: 4 * n, read: (v, o) => readUcs4(v, o, n, little) };
    case "S":
      return { size: n, read: (v, o) => readBytes(v, o, n) };
  }
  throw new Error(`unsupported .npy dtype ${JSON.stringify(descr)}`);
}

function safeInt(x: bigint): number {
  if (x > BigInt(Number.MAX_SAFE_INTEGER) || x < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new Error(`64-bit integer ${x} does not fit a JavaScript number`);
  }
  return Number(x);
}

function readUcs4(v: DataView, o: number, n: number, little: boolean): string {
  let s = "";
  for (let i = 0; i < n; i++) {
    const cp = v.getUint32(o + 4 * i, little);
    if (cp === 0) break; // NumPy pads fixed-width strings with NULs
    s += String.fromCodePoint(cp);
  }
  return s;
}

function readBytes(v: DataView, o: number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) {
    const b = v.getUint8(o + i);
    if (b === 0) break;
    s += String.fromCharCode(b);
  }
  return s;
}

/** Reorder a Fortran-order (column-major) flat array into C (row-major) order. */
function fortranToC(values: NpyValue[], shape: number[]): NpyValue[] {
  const out: NpyValue[] = new Array(values.length);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  for (let c = 0; c < values.length; c++) {
    // idx is the multi-index of C-order position c; its Fortran offset has the first axis fastest
    let f = 0;
    let stride = 1;
    for (let d = 0; d < nd; d++) {
      f += idx[d]! * stride;
      stride *= shape[d]!;
    }
    out[c] = values[f]!;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d] = idx[d]! + 1;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}
