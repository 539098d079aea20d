// Ctrl-C and kill: a command interrupted by SIGINT or SIGTERM stops its lens (ctx.signal), removes
// its staged outputs, prints one line and exits 130 or 143 — it never dies silently, and never leaves
// half of its outputs behind. `train` keeps its own handler (it checkpoints on Ctrl-C).
import { NetsizeError } from "../core/errors.js";

const cleanups = new Set<() => void>();
const controller = new AbortController();
let committed = false;
let interrupted = false;

/** The signal a command hands to its lenses (ctx.signal): aborted on SIGINT/SIGTERM. */
export const interruptSignal: AbortSignal = controller.signal;

/** Run `fn` (synchronously) when the command fails or is interrupted; returns the function that unregisters it. */
export function onCleanup(fn: () => void): () => void {
  cleanups.add(fn);
  return () => { cleanups.delete(fn); };
}

/** Run every registered cleanup once (staged outputs removed, workers stopped). */
export function cleanupNow(): void {
  for (const f of [...cleanups]) {
    cleanups.delete(f);
    try { f(); } catch { /* cleaning up after a failure must not fail */ }
  }
}

/** Record that outputs were committed (renamed into place): an interrupt from now on no longer says "nothing was written". */
export function markCommitted(): void {
  committed = true;
}

/** The exit code of a process stopped by `sig`: 128 + its number, as shells report it. */
export function exitCodeOf(sig: NodeJS.Signals): number {
  return sig === "SIGINT" ? 130 : sig === "SIGTERM" ? 143 : 1;
}

function interrupt(sig: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = true;
  controller.abort(new NetsizeError("ABORTED", `interrupted by ${sig}`));
  cleanupNow();
  process.stderr.write(`netsize: ABORTED: interrupted by ${sig} (${committed ? "after the outputs were written" : "nothing was written"})\n`);
  process.exit(exitCodeOf(sig));
}

const onInt = (): void => interrupt("SIGINT");
const onTerm = (): void => interrupt("SIGTERM");
let installed = false;

/**
 * Handle SIGINT and SIGTERM from now on. bin/netsize.js installs this first, before the rest of the
 * command line is even loaded, so no signal finds the process without an answer.
 */
export function installInterruptHandlers(): void {
  if (installed) return;
  installed = true;
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  // Whatever ends the process, no staged temporary file stays behind.
  process.on("exit", cleanupNow);
}

/** Give SIGINT and SIGTERM back (train answers Ctrl-C itself: it stops at a batch and checkpoints). */
export function uninstallInterruptHandlers(): void {
  if (!installed) return;
  installed = false;
  process.removeListener("SIGINT", onInt);
  process.removeListener("SIGTERM", onTerm);
}
