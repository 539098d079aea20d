// The TensorFlow.js engine of the training lab: which backend runs, and setting it up in Node.
import { tf } from "./tf.js";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import path from "node:path";
import { fail } from "../core/errors.js";

/** The TensorFlow.js backends the training lab can run on. */
export type BackendName = "wasm" | "cpu";

/** The backend names, for option validation. */
export const BACKENDS: readonly BackendName[] = ["wasm", "cpu"];

let current: BackendName | undefined;

/** Folder of the wasm binaries shipped inside node_modules (a file path, never a URL). */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + path.sep;
}

/**
 * Select and initialise a backend (default wasm: XNNPACK with SIMD, single-threaded in Node since
 * tfjs disables wasm threads there). Idempotent; also silences tfjs's console advice (prod mode).
 */
export async function initBackend(name: BackendName = "wasm"): Promise<BackendName> {
  if (!BACKENDS.includes(name)) fail("BAD_ARGUMENT", `unknown backend '${name}'; use ${BACKENDS.join(" or ")}`);
  if (current === name && tf.getBackend() === name) return name;
  tf.enableProdMode();
  // The emscripten glue installs process-wide handlers that rethrow any uncaught error after
  // printing its whole minified source; remove whatever it adds so errors stay one line.
  const before = {
    uncaughtException: new Set(process.listeners("uncaughtException")),
    unhandledRejection: new Set(process.listeners("unhandledRejection")),
  };
  if (name === "wasm") setWasmPaths(wasmBinaryDir());
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } finally {
    for (const l of process.listeners("uncaughtException")) if (!before.uncaughtException.has(l)) process.removeListener("uncaughtException", l);
    for (const l of process.listeners("unhandledRejection")) if (!before.unhandledRejection.has(l)) process.removeListener("unhandledRejection", l);
  }
  if (!ok) fail("TRAIN_ERROR", `the TensorFlow.js ${name} backend failed to initialise; try --backend ${name === "wasm" ? "cpu" : "wasm"}`);
  current = name;
  return name;
}

/** The backend now in use (undefined before initBackend). */
export function currentBackend(): BackendName | undefined {
  return current;
}

export { tf };
