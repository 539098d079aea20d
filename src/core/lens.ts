import { NetsizeError } from "./errors.js";

/** Progress report from a long computation: `done` of `total` units of work (total may be unknown). */
export interface Progress {
  done: number;
  total?: number;
  /** Short label of the current stage, e.g. "MILP layer 2". */
  stage?: string;
}

/** What every lens receives besides its inputs: cancellation and progress. */
export interface LensContext {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/** Fields every lens result carries (plus its own). */
export interface LensResultBase {
  /** Schema tag, e.g. "netsize.regions.slice/1". */
  schema: string;
  /** The options the lens ran with, echoed (JSON-serialisable). */
  options: Record<string, unknown>;
  /** The tolerance policy values used. */
  tolerance: Record<string, number>;
  /** Wall-clock milliseconds per stage. */
  timings: Record<string, number>;
  /** Seed of any randomness used. */
  seed?: number;
}

/** Throw NetsizeError ABORTED when the context's signal has fired. */
export function checkAborted(ctx: LensContext | undefined): void {
  if (ctx?.signal?.aborted) throw new NetsizeError("ABORTED", "cancelled by the caller");
}

/** Milliseconds since `t0` (performance.now based). */
export function since(t0: number): number {
  return Math.round((performance.now() - t0) * 1000) / 1000;
}
