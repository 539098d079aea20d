// The worker side of run-lens.ts: runs one lens from the registry on the job it is handed and posts
// back progress, then the result or the error. The main thread stays free to answer Ctrl-C.
import { parentPort, workerData } from "node:worker_threads";
import { isNetsizeError, NetsizeError } from "../core/errors.js";
import type { LensContext, Progress } from "../core/lens.js";
import { lensNamed } from "../lenses/registry.js";
import { onnxruntimeEngine } from "../node/engine/onnxruntime.js";
import type { LensJob, WorkerMessage } from "./run-lens.js";

const job = workerData as LensJob;
const post = (m: WorkerMessage): void => parentPort!.postMessage(m);

/**
 * ctx.signal of the lens. This thread may sit in a long synchronous loop (a MILP layer), where no
 * message can arrive; so reading `aborted` — which every lens does between units and solves —
 * polls the flag the main thread sets on SIGINT/SIGTERM, and aborts the controller once it is set.
 */
function sharedSignal(flag: Int32Array): AbortSignal {
  const ac = new AbortController();
  const own = Object.getOwnPropertyDescriptor(AbortSignal.prototype, "aborted")!.get!;
  Object.defineProperty(ac.signal, "aborted", {
    get(this: AbortSignal): boolean {
      if (!own.call(this) && Atomics.load(flag, 0) !== 0) ac.abort(new NetsizeError("ABORTED", "interrupted"));
      return own.call(this) as boolean;
    },
  });
  return ac.signal;
}

/** Progress at most every 100 ms (and the last step), so a per-unit callback does not flood the main thread. */
function throttled(): (p: Progress) => void {
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (now - last < 100 && p.done !== p.total) return;
    last = now;
    post({ progress: p });
  };
}

async function main(): Promise<void> {
  const lens = lensNamed(job.lens);
  if (!lens) throw new Error(`no lens named '${job.lens}'`);
  const ctx: LensContext = {
    signal: sharedSignal(job.abort),
    ...(job.progress ? { onProgress: throttled() } : {}),
    ...(job.engine === "onnxruntime" ? { engine: onnxruntimeEngine } : {}),
  };
  const result = await lens.run(job.network, job.input, job.options, ctx);
  // Structured cloning drops non-enumerable properties (compress keeps its ONNX bytes out of the JSON that way): send them beside.
  const hidden: Record<string, unknown> = {};
  for (const k of Object.getOwnPropertyNames(result)) if (!Object.prototype.propertyIsEnumerable.call(result, k)) hidden[k] = (result as unknown as Record<string, unknown>)[k];
  post({ result, hidden });
}

main().catch((e: unknown) => {
  if (isNetsizeError(e)) post({ error: { code: e.code, message: e.message, ...(e.partial !== undefined ? { partial: e.partial } : {}) } });
  else post({ internal: { message: e instanceof Error ? e.message : String(e), ...(e instanceof Error && e.stack ? { stack: e.stack } : {}) } });
});
