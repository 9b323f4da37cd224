// The default job runner of the worker pool: the real trainer and its snapshot codec, re-exported
// so that the worker can load the runner by module URL (tests inject a stand-in the same way).
// Nothing else lives here.

export { runSeed } from "../train/trainer.js";
export { encodeSnapshot, decodeSnapshot } from "../train/snapshot.js";
