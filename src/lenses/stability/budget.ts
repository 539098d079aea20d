// The stability lens's time budget: one wall-clock deadline for the whole run. Stages check it
// between units and solves; a stage whose inner loops only know ctx.signal (sampling's local search,
// CROWN on one layer) runs under a context whose signal reads as aborted once the deadline has
// passed, and stopping it there is sound: witnesses found so far are proofs, and bounds are only
// tightened when a computation completes.
import { isNetsizeError } from "../../core/errors.js";
import { LensContext } from "../../core/lens.js";

/** True once performance.now() has reached `deadline`. */
export function pastDeadline(deadline: number): boolean {
  return performance.now() >= deadline;
}

/** Seconds left until `deadline` (never negative). */
export function secondsLeft(deadline: number): number {
  return Math.max(0, (deadline - performance.now()) / 1000);
}

/**
 * Run `stage` with a context that aborts at the deadline (or when the caller's signal does). Returns
 * true when the stage finished, false when the deadline stopped it; a cancel by the caller still
 * throws ABORTED.
 */
export function withinBudget(ctx: LensContext, deadline: number, stage: (ctx: LensContext) => void): boolean {
  const ac = new AbortController();
  const own = Object.getOwnPropertyDescriptor(AbortSignal.prototype, "aborted")!.get!;
  Object.defineProperty(ac.signal, "aborted", {
    get(this: AbortSignal): boolean {
      if (!own.call(this) && (ctx.signal?.aborted || pastDeadline(deadline))) ac.abort();
      return own.call(this) as boolean;
    },
  });
  try {
    stage({ ...ctx, signal: ac.signal });
    return true;
  } catch (e) {
    if (isNetsizeError(e, "ABORTED") && !ctx.signal?.aborted && pastDeadline(deadline)) return false;
    throw e;
  }
}
