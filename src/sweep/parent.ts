// A sweep child's guard against outliving its parent. TensorFlow.js's cpu backend trains without
// ever yielding to the event loop (its reads resolve as microtasks), so a child whose parent was
// killed with -9 never sees 'disconnect' mid-job; and after the job BullMQ's child wrapper spins on
// the closed channel (seen: an orphan at 80 % CPU, +30 MB/s). The parent's pid is read with a
// getppid() syscall each time, from the job's own progress calls, so the check needs no event loop.
import type { Progress } from "../core/lens.js";

let guard: (() => void) | undefined;

/** A check to call often (from progress callbacks): it exits this process once its parent has gone (one per process). */
export function parentGuard(): () => void {
  if (guard) return guard;
  const parent = process.ppid;
  const check = (): void => { if (process.ppid !== parent) process.exit(1); };
  process.on("disconnect", () => process.exit(1));
  setInterval(check, 1000).unref();
  return (guard = check);
}

/**
 * A job's progress callback for a sweep child: it checks the parent on every call (parentGuard) and
 * hands `send` at most one report a second.
 */
export function guardedProgress(send: (p: Progress) => void): (p: Progress) => void {
  const check = parentGuard();
  let last = -Infinity;
  return (p) => {
    check();
    const now = performance.now();
    if (now - last < 1000) return;
    last = now;
    send(p);
  };
}
