// The playground's training worker (bundled for the browser by scripts/build-playground.mjs): one
// arm, trained by the trainer itself (seedSteps) on the WebAssembly kernels, fetched next to this
// script and handed in through provideWasmModule. It runs steps in short slices and yields between
// them so pause/step messages get through, and posts the logged rows with the embedding's spectrum.

import type { RunConfig } from "../base/config.js";
import { provideWasmModule } from "../kernels/wasm.js";
import { frequencyPower } from "../metrics/fourier.js";
import type { DType } from "../base/dtype.js";
import { seedSteps, type RunSeedOutcome } from "../train/trainer.js";
import type { Session } from "../train/session.js";
import type { FromWorker, LoggedRow, ToWorker } from "./protocol.js";

/** How long one slice of steps runs before the worker looks at its messages (ms). */
const SLICE_MS = 40;

interface WorkerScope {
  postMessage(m: FromWorker): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  location: { href: string };
}
const scope = self as unknown as WorkerScope;

const compiled = new Map<DType, Promise<void>>();
function loadKernels(dtype: DType): Promise<void> {
  let p = compiled.get(dtype);
  if (!p) {
    p = fetch(new URL(`kernels-${dtype}.wasm`, scope.location.href))
      .then((r) => {
        if (!r.ok) throw new Error(`kernels-${dtype}.wasm: HTTP ${r.status}`);
        return r.arrayBuffer();
      })
      .then((bytes) => WebAssembly.compile(bytes))
      .then((m) => provideWasmModule(dtype, m));
    compiled.set(dtype, p);
  }
  return p;
}

/** The spectrum of E as shares of its non-constant power (frequencies 1..floor(p/2)). */
function spectrum(s: Session): number[] {
  const p = s.cfg.p;
  const E = s.model.params.tensor(s.model.embedding);
  const d = E.shape[1]!;
  const power = Array.from(frequencyPower(E.data.subarray(0, p * d), p, d).subarray(1));
  const total = power.reduce((a, b) => a + b, 0);
  return power.map((x) => (total > 0 ? x / total : 0));
}

let run: Generator<number, RunSeedOutcome, void> | null = null;
let running = false;
let budget = Infinity;
let step = 0;
let busyMs = 0;
let pending: LoggedRow[] = [];
const tick = new MessageChannel();

const rate = () => (busyMs > 0 ? (step * 1000) / busyMs : 0);

function pump(): void {
  if (!run || !running) return;
  const t0 = performance.now();
  try {
    do {
      const r = run.next();
      if (r.done) {
        busyMs += performance.now() - t0;
        running = false;
        run = null;
        flush();
        if (r.value.stopped) throw new Error("training stopped unexpectedly");
        scope.postMessage({ type: "done", result: r.value.result, steps_per_s: rate() });
        return;
      }
      step = r.value;
      if (--budget <= 0) running = false;
    } while (running && performance.now() - t0 < SLICE_MS);
  } catch (e) {
    running = false;
    run = null;
    scope.postMessage({ type: "error", message: e instanceof Error ? e.message : String(e) });
    return;
  }
  busyMs += performance.now() - t0;
  flush();
  if (running) tick.port2.postMessage(null);
}

function flush(): void {
  scope.postMessage({ type: "progress", step, rows: pending, steps_per_s: rate(), running });
  pending = [];
}

tick.port1.onmessage = pump;

async function start(config: RunConfig, seed: number): Promise<void> {
  if (config.kernels === "wasm") await loadKernels(config.dtype);
  let session: Session | null = null;
  run = seedSteps(config, seed, {
    onOpen: (s) => (session = s),
    onLog: (row) => pending.push({ row, spectrum: spectrum(session!) }),
  });
  step = 0;
  busyMs = 0;
  scope.postMessage({ type: "ready" });
}

let queue: Promise<void> = Promise.resolve();
scope.onmessage = (e) => {
  const m = e.data;
  queue = queue
    .then(async () => {
      switch (m.type) {
        case "start":
          return start(m.config, m.seed);
        case "run":
          budget = Infinity;
          break;
        case "step":
          budget = m.steps;
          break;
        case "pause":
          running = false;
          return;
      }
      if (run && !running) {
        running = true;
        pump();
      }
    })
    .catch((err: unknown) => scope.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) }));
};
