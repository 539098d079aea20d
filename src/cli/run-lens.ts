// Lenses of long commands run in a worker thread. Most lens stages are synchronous (a MILP layer,
// a slice's partition), and while JavaScript runs no signal handler can: on the main thread a Ctrl-C
// would wait for the whole lens. With the lens in a worker the main thread answers SIGINT/SIGTERM at
// once (signals.ts): it sets the lens's ctx.signal (a shared flag the lens polls between units),
// stops the worker, removes staged outputs and exits. A worker that runs out of heap is a clean
// LIMIT_EXCEEDED, not an abort of the process.
import { getHeapStatistics } from "node:v8";
import { Worker } from "node:worker_threads";
import { ErrorCode, NetsizeError } from "../core/errors.js";
import type { Progress } from "../core/lens.js";
import type { Network } from "../core/network.js";
import type { LENSES, LensName } from "../lenses/registry.js";
import { interruptSignal, onCleanup } from "./signals.js";

/** What the worker is handed (structured-cloned; the abort flag is shared memory). */
export interface LensJob {
  lens: LensName;
  network: Network;
  input: unknown;
  options: object;
  engine?: "onnxruntime";
  progress: boolean;
  abort: Int32Array;
}

/** What the worker posts back. */
export type WorkerMessage =
  | { progress: Progress }
  | { result: unknown; hidden: Record<string, unknown> }
  | { error: { code: ErrorCode; message: string; partial?: unknown } }
  | { internal: { message: string; stack?: string } };

/** The result type of lens N. */
export type LensResult<N extends LensName> = Awaited<ReturnType<(typeof LENSES)[N]["run"]>>;

/** How to run a lens: the batch engine to hand it (default: the float64 reference) and a progress callback. */
export interface RunLensOptions {
  engine?: "onnxruntime";
  onProgress?: (p: Progress) => void;
  /** Stop the worker and reject with LIMIT_EXCEEDED after this many milliseconds (the report's per-lens budget). */
  timeoutMs?: number;
}

/** The worker's entry: the TypeScript source through tsx in a checkout, the compiled file otherwise. */
function spawn(data: LensJob): Worker {
  const heap = Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20);
  const opts = { workerData: data, resourceLimits: { maxOldGenerationSizeMb: heap }, stdout: false, stderr: false };
  if (import.meta.url.endsWith(".ts")) {
    const tsx = import.meta.resolve("tsx/esm/api");
    const entry = new URL("./lens-worker.ts", import.meta.url).href;
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(boot, { ...opts, eval: true });
  }
  return new Worker(new URL("./lens-worker.js", import.meta.url), opts);
}

/**
 * Run lens `name` of the registry on a worker thread and return its result: NetsizeErrors come back
 * with their code, message and partial result; an interrupt (SIGINT/SIGTERM) stops the worker.
 */
export function runLens<N extends LensName>(name: N, network: Network, input: Parameters<(typeof LENSES)[N]["run"]>[1], options: object, o: RunLensOptions = {}): Promise<LensResult<N>> {
  const abort = new Int32Array(new SharedArrayBuffer(4));
  const worker = spawn({ lens: name, network, input, options, ...(o.engine ? { engine: o.engine } : {}), progress: o.onProgress !== undefined, abort });
  const stop = (): void => { Atomics.store(abort, 0, 1); void worker.terminate(); };
  const off = onCleanup(stop);
  const onAbort = (): void => { Atomics.store(abort, 0, 1); };
  interruptSignal.addEventListener("abort", onAbort);
  return new Promise<LensResult<N>>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void): void => { if (!settled) { settled = true; f(); } };
    const timer = o.timeoutMs !== undefined ? setTimeout(() => settle(() => {
      stop();
      reject(new NetsizeError("LIMIT_EXCEEDED", `lens ${name} ran past its budget of ${Math.round(o.timeoutMs! / 1000)} s and was stopped`));
    }), o.timeoutMs) : undefined;
    worker.on("exit", () => { if (timer) clearTimeout(timer); });
    worker.on("message", (m: WorkerMessage) => {
      if ("progress" in m) o.onProgress?.(m.progress);
      else if ("result" in m) {
        for (const [k, v] of Object.entries(m.hidden)) Object.defineProperty(m.result, k, { value: v, enumerable: false, writable: true, configurable: true });
        settle(() => resolve(m.result as LensResult<N>));
      }
      else if ("error" in m) settle(() => reject(new NetsizeError(m.error.code, m.error.message, {}, m.error.partial)));
      else settle(() => { const e = new Error(m.internal.message); if (m.internal.stack) e.stack = m.internal.stack; reject(e); });
    });
    worker.on("error", (e: Error & { code?: string }) => settle(() => reject(e.code === "ERR_WORKER_OUT_OF_MEMORY"
      ? new NetsizeError("LIMIT_EXCEEDED", `lens ${name} ran out of memory (a JavaScript heap of ${Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20)} MiB); use a smaller domain, fewer samples or a lower --max-regions`)
      : e)));
    worker.on("exit", (code) => settle(() => reject(new Error(`the lens worker stopped with exit code ${code} before it answered`))));
  }).finally(() => {
    off();
    interruptSignal.removeEventListener("abort", onAbort);
    void worker.terminate();
  });
}
