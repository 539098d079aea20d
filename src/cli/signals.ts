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

/** Handle SIGINT and SIGTERM for the rest of the process (every command but train). */
export function installInterruptHandlers(): void {
  process.on("SIGINT", () => interrupt("SIGINT"));
  process.on("SIGTERM", () => interrupt("SIGTERM"));
  // Whatever ends the process, no staged temporary file stays behind.
  process.on("exit", () => cleanupNow());
}
