import { expect } from "vitest";
import { isNetsizeError } from "../../src/core/errors.js";

/** "CODE: message" of the NetsizeError fn throws, "other: ..." for any other error, "no error" when it returns. */
export function codeOf(fn: () => unknown): string {
  try { fn(); } catch (e) { return isNetsizeError(e) ? `${e.code}: ${e.message}` : `other: ${String(e)}`; }
  return "no error";
}

/** Assert fn throws a NetsizeError with this code, and return the error. */
export function expectThrows(fn: () => unknown, code: string): unknown {
  try { fn(); } catch (e) {
    expect(isNetsizeError(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    return e;
  }
  throw new Error(`expected ${code}`);
}
