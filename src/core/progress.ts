// Progress, cancellation and timing: the small vocabulary every long computation shares.
import { NetsizeError } from "./errors.js";

/** Progress report from a long computation: `done` of `total` units of work (total may be unknown). */
export interface Progress {
  done: number;
  total?: number;
  /** Short label of the current stage, e.g. "MILP layer 2". */
  stage?: string;
}

/** Cancellation and progress, as every long computation accepts them. */
export interface ProgressContext {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/** Throw NetsizeError ABORTED when the context's signal has fired. */
export function checkAborted(ctx: ProgressContext | undefined): void {
  if (ctx?.signal?.aborted) throw new NetsizeError("ABORTED", "cancelled by the caller");
}

/** Milliseconds since `t0` (performance.now based). */
export function since(t0: number): number {
  return Math.round((performance.now() - t0) * 1000) / 1000;
}

/**
 * Let the event loop run (progress bars repaint, a cancel arrives): setImmediate in Node, a macrotask
 * (MessageChannel, which browsers do not clamp to 4 ms as they do nested timeouts) in a page.
 */
export function yieldToEventLoop(): Promise<void> {
  interface Port { onmessage: (() => void) | null; postMessage(m: unknown): void; close(): void }
  const g = globalThis as unknown as { setImmediate?: (f: () => void) => unknown; MessageChannel?: new () => { port1: Port; port2: Port } };
  if (typeof g.setImmediate === "function") return new Promise((r) => { g.setImmediate!(r); });
  if (typeof g.MessageChannel === "function") {
    return new Promise((r) => { const ch = new g.MessageChannel!(); ch.port1.onmessage = () => { ch.port1.close(); r(); }; ch.port2.postMessage(0); });
  }
  return new Promise((r) => setTimeout(r, 0));
}
