import { fail } from "./errors.js";

/** An axis-aligned box of inputs: lower[i] <= x[i] <= upper[i]. */
export interface Box {
  kind: "box";
  lower: Float64Array;
  upper: Float64Array;
  /** Where it came from (e.g. "--box 0:1", a VNN-LIB file, "ball eps=0.03 around mnist[7]"). */
  source?: string;
}

/** A box with the same bounds on every one of n inputs. */
export function uniformBox(n: number, lo: number, hi: number, source?: string): Box {
  return makeBox(new Float64Array(n).fill(lo), new Float64Array(n).fill(hi), source);
}

/** An L∞ ball of radius eps around x, optionally clipped to [clipLo, clipHi] (e.g. pixels in [0,1]). */
export function linfBall(x: ArrayLike<number>, eps: number, clip?: [number, number], source?: string): Box {
  if (!(eps >= 0)) fail("BAD_ARGUMENT", `ball radius must be >= 0, got ${eps}`);
  const lower = new Float64Array(x.length), upper = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    lower[i] = x[i]! - eps;
    upper[i] = x[i]! + eps;
    if (clip) { lower[i] = Math.max(lower[i]!, clip[0]); upper[i] = Math.min(upper[i]!, clip[1]); }
  }
  return makeBox(lower, upper, source);
}

/** Validate and build a box (lower <= upper, all finite). */
export function makeBox(lower: Float64Array, upper: Float64Array, source?: string): Box {
  if (lower.length !== upper.length) fail("DOMAIN_MISMATCH", `box bounds have ${lower.length} and ${upper.length} entries`);
  for (let i = 0; i < lower.length; i++) {
    if (!Number.isFinite(lower[i]!) || !Number.isFinite(upper[i]!) || lower[i]! > upper[i]!) {
      fail("DOMAIN_MISMATCH", `box bound ${i} is [${lower[i]}, ${upper[i]}]; need finite lower <= upper`);
    }
  }
  return { kind: "box", lower, upper, ...(source ? { source } : {}) };
}

/** Check a box fits a network input of size n. */
export function checkBoxFits(box: Box, n: number, what = "network"): void {
  if (box.lower.length !== n) fail("DOMAIN_MISMATCH", `the domain has ${box.lower.length} inputs, the ${what} expects ${n}`);
}

/** True when x lies in the box (inclusive). */
export function inBox(box: Box, x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (x[i]! < box.lower[i]! || x[i]! > box.upper[i]!) return false;
  return true;
}
