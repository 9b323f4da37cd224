// Arena: all tensor storage as typed-array views over one WebAssembly.Memory, so wasm kernels work
// on tensors in place. A bump allocator with mark/release: parameters and optimiser state are
// allocated once; each training step's temporaries are released together at the step's end.
// It never grows after creation (growing would detach every view), so size it up front.

import { BYTES, type DType, type FArray, view } from "./dtype.js";

const PAGE = 65536;
/** Bytes kept free at the bottom of memory for a wasm module's static data and stack. */
export const RESERVED_BYTES = 1 << 20;

export class Arena {
  readonly memory: WebAssembly.Memory;
  readonly capacity: number;
  private top = RESERVED_BYTES;

  constructor(megabytes = 256) {
    const pages = Math.ceil((megabytes * 1024 * 1024) / PAGE);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.capacity = pages * PAGE;
  }

  get buffer(): ArrayBuffer {
    return this.memory.buffer;
  }

  /** Bytes in use (above the reserved area). */
  get used(): number {
    return this.top - RESERVED_BYTES;
  }

  private take(bytes: number): number {
    const at = (this.top + 15) & ~15; // 16-byte alignment for v128 loads
    if (at + bytes > this.capacity) {
      throw new Error(
        `arena exhausted: need ${bytes} bytes at ${at}, capacity ${this.capacity} (raise the arena size)`,
      );
    }
    this.top = at + bytes;
    return at;
  }

  /** A float array of `length` elements, zero-filled unless `zero` is false (for outputs a kernel overwrites). */
  floats(dtype: DType, length: number, zero = true): FArray {
    const at = this.take(length * BYTES[dtype]);
    const a = view(dtype, this.memory.buffer, at, length);
    if (zero) a.fill(0);
    return a;
  }

  /** A zero-filled int32 array (indices, labels). */
  ints(length: number): Int32Array {
    const at = this.take(length * 4);
    const a = new Int32Array(this.memory.buffer, at, length);
    a.fill(0);
    return a;
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    if (mark < RESERVED_BYTES || mark > this.top) throw new Error(`arena: bad release mark ${mark}`);
    this.top = mark;
  }
}
