import { isNetsizeError, printable } from "../core/errors.js";
import { cleanupNow } from "./signals.js";

/**
 * Print one line for an error and exit non-zero: NetsizeErrors by code, anything else as INTERNAL (no
 * stack unless NETSIZE_DEBUG). Staged outputs are removed first: a failed command writes nothing.
 */
export function exitWithError(e: unknown): never {
  cleanupNow();
  if (isNetsizeError(e)) {
    process.stderr.write(`netsize: ${e.code}: ${e.message}\n`);
    if (e.code === "LIMIT_EXCEEDED" && e.partial !== undefined) {
      process.stderr.write(`netsize: partial result: ${JSON.stringify(e.partial).slice(0, 2000)}\n`);
    }
  } else {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`netsize: INTERNAL: ${printable(msg.split("\n")[0], 500)} (please report this; set NETSIZE_DEBUG=1 for a stack trace)\n`);
    if (process.env.NETSIZE_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  }
  process.exit(isNetsizeError(e, "LIMIT_EXCEEDED") ? 3 : isNetsizeError(e, "BAD_ARGUMENT") ? 2 : 1);
}

/** Wrap a command action so any error becomes one line and a non-zero exit. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      exitWithError(e);
    }
  };
}
