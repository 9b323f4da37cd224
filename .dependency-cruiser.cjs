// The layering of src/, checked by dependency-cruiser (`npm run lint:deps`, part of `npm test`): each
// folder lists the folders it may import, so an upward or sideways import fails the build; no import
// cycles between modules; the training core does no I/O. Type-only imports count (swc parses them).
// To add a folder, give it a line in LAYERS. Not here: what each folder holds (README's layout).

/** folder → the folders of src/ it may import (its own files always) */
const LAYERS = {
  base: [], // dtype, arena and its size, seeded RNG, fdlibm, the run config schema, the result schemas, the code version
  kernels: ["base"], // the kernel contract, its reference and its wasm backend
  tensor: ["base", "kernels"], // the tape and the primitive ops
  data: ["base"], // the modular-arithmetic tasks
  models: ["base", "kernels", "tensor"],
  metrics: ["base", "kernels", "tensor", "models"],
  analysis: ["base"], // statistics over cell records; never trains, never reads the store
  train: ["base", "kernels", "tensor", "data", "models", "metrics", "analysis"], // (a cell's summary and the calibration are the analysis's statistics)
  experiments: ["base"], // the study's definitions: presets, the paper's w_c, the sweep spec; never training code
  report: ["base", "analysis", "experiments"], // from cell records to a document; never trains
  sweep: ["base", "experiments", "train", "analysis"],
  bench: ["base", "kernels", "tensor", "models", "train", "experiments"],
  playground: ["base", "kernels", "tensor", "models", "metrics", "train"], // the browser playground: the training core in a worker, its page, and the files that serve it
  distributed: ["base", "experiments", "train", "sweep"],
  dashboard: ["base", "experiments", "train", "analysis", "report", "sweep", "playground"],
  cli: ["base", "experiments", "train", "analysis", "report", "sweep", "bench", "distributed", "dashboard", "playground"],
};

const folders = Object.keys(LAYERS);
const any = (names) => `(${names.join("|")})`;

/** Files of the core that may touch the disk, each for one stated reason. */
const CORE_IO = [
  "^src/base/version\\.ts$", // reads package.json and .git for the code version
  "^src/kernels/wasm\\.ts$", // loads the compiled .wasm
  "^src/analysis/paper-files\\.ts$", // the one reader of the paper's .npz folder
  "^src/train/init-file\\.ts$", // reads a run's init_from file (weights and split) wherever the seed runs
];

module.exports = {
  forbidden: [
    ...folders.map((f) => ({
      name: `layer-${f}`,
      comment: `src/${f} may import only ${LAYERS[f].length ? LAYERS[f].map((x) => `src/${x}`).join(", ") : "nothing else in src/"}`,
      severity: "error",
      from: { path: `^src/${f}/` },
      to: { path: "^src/", pathNot: `^src/${any([f, ...LAYERS[f]])}/` },
    })),
    {
      name: "layer-unlisted-folder",
      comment: "every folder of src/ has its line in LAYERS (.dependency-cruiser.cjs)",
      severity: "error",
      from: { path: "^src/", pathNot: `^src/${any(folders)}/` },
      to: {},
    },
    {
      name: "no-circular",
      comment: "modules do not import each other in a cycle",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "core-does-no-io",
      comment: "the training core and the analysis return data; files, sockets and processes live at the edges",
      severity: "error",
      from: { path: `^src/${any(["base", "kernels", "tensor", "data", "models", "metrics", "train", "experiments", "analysis"])}/`, pathNot: CORE_IO },
      to: { dependencyTypes: ["core"], path: "^(node:)?(fs|fs/promises|net|http|https|child_process|worker_threads|dgram|tls)$" },
    },
    {
      name: "not-to-unresolvable",
      comment: "every import resolves",
      severity: "error",
      from: { path: "^src/" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript compiler API for dependency-cruiser to parse with; swc parses
    // the .ts sources, type-only imports included
    parser: "swc",
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/kernels/assembly/" }, // AssemblyScript, compiled apart
    enhancedResolveOptions: { extensions: [".ts", ".js", ".mjs"], exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
