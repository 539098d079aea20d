/**
 * Theoretical region counts of a ReLU architecture, as exact integers (BigInt).
 *
 * Convention: `widths = [n0, n1, ..., nL]` is the input dimension followed by the widths of the L
 * HIDDEN layers only. The output layer is affine and creates no regions, so it is not part of the
 * list (the CLI, which reads a full architecture such as 784-100-100-10, drops the last number).
 * Every bound is about "linear regions" in the sense of distinct full-dimensional activation
 * patterns of the hidden units over all of R^n0, for generic weights.
 */
import { inputSize, Network, outputSize, sizeOf } from "../../core/network.js";
import { unitLayerIndices } from "../../core/summary.js";
import { LensResultBase, since } from "../../core/lens.js";
import { fail } from "../../core/errors.js";

/** Binomial coefficient C(n, k) as a BigInt (0 when k < 0 or k > n). */
export function binomial(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  k = Math.min(k, n - k);
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

/** Σ_{j=0}^{d} C(n, j): Zaslavsky's count of the regions of n hyperplanes in general position in R^d. */
export function zaslavsky(n: number, d: number): bigint {
  let s = 0n;
  for (let j = 0; j <= Math.min(n, d); j++) s += binomial(n, j);
  return s;
}

function checkWidths(widths: readonly number[]): void {
  if (widths.length < 2) fail("BAD_ARGUMENT", `widths need the input dimension and at least one hidden layer, got [${widths.join(", ")}]`);
  for (const w of widths) if (!Number.isInteger(w) || w < 1) fail("BAD_ARGUMENT", `every width must be a positive integer, got [${widths.join(", ")}]`);
}

/**
 * Serra, Tjandraatmadja & Ramalingam 2018, Theorem 1: Σ_{j∈J} ∏_l C(n_l, j_l) with
 * J = {0 <= j_l <= min(n0, n1-j1, ..., n_{l-1}-j_{l-1}, n_l)}, by dynamic programming over the
 * running cap min(n0, n_k - j_k).
 */
export function serraUpperBound(widths: readonly number[]): bigint {
  checkWidths(widths);
  let caps = new Map<number, bigint>([[widths[0]!, 1n]]);
  for (let l = 1; l < widths.length; l++) {
    const n = widths[l]!;
    const next = new Map<number, bigint>();
    for (const [cap, weight] of caps) {
      for (let j = 0; j <= Math.min(cap, n); j++) {
        const c = Math.min(cap, n - j);
        next.set(c, (next.get(c) ?? 0n) + weight * binomial(n, j));
      }
    }
    caps = next;
  }
  let total = 0n;
  for (const w of caps.values()) total += w;
  return total;
}

/** Montúfar 2017: ∏_{l=1}^{L} Σ_{j=0}^{d_l} C(n_l, j) with d_l = min(n0, ..., n_l). */
export function montufar17UpperBound(widths: readonly number[]): bigint {
  checkWidths(widths);
  let d = widths[0]!, p = 1n;
  for (let l = 1; l < widths.length; l++) {
    d = Math.min(d, widths[l]!);
    p *= zaslavsky(widths[l]!, d);
  }
  return p;
}

/**
 * Montúfar, Pascanu, Cho & Bengio 2014: a network with these widths CAN have at least
 * (∏_{l=1}^{L-1} ⌊n_l/n0⌋^{n0}) · Σ_{j=0}^{n0} C(n_L, j) regions (a lower bound on the maximum).
 * The construction needs n_l >= n0 for every hidden layer; otherwise it returns undefined.
 */
export function montufar14LowerBound(widths: readonly number[]): bigint | undefined {
  checkWidths(widths);
  const n0 = widths[0]!, L = widths.length - 1;
  if (widths.slice(1).some((w) => w < n0)) return undefined;
  let p = 1n;
  for (let l = 1; l < L; l++) p *= BigInt(Math.floor(widths[l]! / n0)) ** BigInt(n0);
  return p * zaslavsky(widths[L]!, n0);
}

/**
 * The maximum number of regions along any line: Serra's bound with n0 = 1, which is exact in one
 * dimension. It equals ∏_l (n_l + 1) when every hidden width but the last is >= 2; an earlier width-1 layer is a bottleneck
 * (its unit is constant on one side), e.g. 1-1-1 gives 3, not 4.
 */
export function lineMaximum(widths: readonly number[]): bigint {
  checkWidths(widths);
  return serraUpperBound([1, ...widths.slice(1)]);
}

/** The theoretical figures for one architecture (BigInts as decimal strings, so the result is JSON). */
export interface BoundsResult extends LensResultBase {
  schema: "netsize.bounds/1";
  /** [n0, hidden widths...]: the input dimension and the hidden layers that create regions. */
  widths: number[];
  /** The output width when the caller gave a full architecture (it creates no regions). */
  outputWidth?: number;
  inputDim: number;
  hiddenUnits: number;
  bounds: {
    /** Zaslavsky count of the first hidden layer alone: Σ_{j<=n0} C(n1, j) (exact for generic weights). */
    firstLayerZaslavsky: string;
    /** Zaslavsky count of ONE layer holding all T hidden units: Σ_{j<=n0} C(T, j) (the "shallow with the same units" reference). */
    shallowSameUnits: string;
    /** Montúfar et al. 2014 lower bound on the maximum (absent when some n_l < n0). */
    montufar14Lower?: string;
    /** Montúfar 2017 upper bound. */
    montufar17Upper: string;
    /** Serra et al. 2018 upper bound (Theorem 1). */
    serraUpper: string;
    /** Trivial upper bound 2^T. */
    trivialUpper: string;
    /** Maximum regions along a line, ∏(n_l + 1) unless an earlier layer has width 1 (compare with 1-D counts). */
    lineMaximum: string;
  };
  /** A measured count set beside the bounds, when given. */
  measured?: { count: number; ofSerraUpper: number; ofShallowSameUnits: number; ofMontufar14Lower?: number };
}

/** Ratio a/b of two big integers as a float (fine far beyond 2^53). */
function ratio(a: bigint, b: bigint): number {
  if (b === 0n) return NaN;
  const shift = BigInt(Math.max(0, b.toString(2).length - 900));
  return Number(a >> shift) / Number(b >> shift);
}

/** All bounds for `widths` = [n0, hidden...] (see the file doc); `measured` is a count to set beside them. */
export function regionBounds(widths: readonly number[], opts: { outputWidth?: number; measured?: number } = {}): BoundsResult {
  const t0 = performance.now();
  checkWidths(widths);
  const n0 = widths[0]!, T = widths.slice(1).reduce((s, w) => s + w, 0);
  const serra = serraUpperBound(widths), shallow = zaslavsky(T, n0), m14 = montufar14LowerBound(widths);
  const result: BoundsResult = {
    schema: "netsize.bounds/1",
    options: { ...(opts.outputWidth !== undefined ? { outputWidth: opts.outputWidth } : {}), ...(opts.measured !== undefined ? { measured: opts.measured } : {}) },
    tolerance: {},
    timings: { total: 0 },
    widths: [...widths],
    ...(opts.outputWidth !== undefined ? { outputWidth: opts.outputWidth } : {}),
    inputDim: n0,
    hiddenUnits: T,
    bounds: {
      firstLayerZaslavsky: zaslavsky(widths[1]!, n0).toString(),
      shallowSameUnits: shallow.toString(),
      ...(m14 !== undefined ? { montufar14Lower: m14.toString() } : {}),
      montufar17Upper: montufar17UpperBound(widths).toString(),
      serraUpper: serra.toString(),
      trivialUpper: (1n << BigInt(T)).toString(),
      lineMaximum: lineMaximum(widths).toString(),
    },
  };
  if (opts.measured !== undefined) {
    if (!(opts.measured >= 0) || !Number.isInteger(opts.measured)) fail("BAD_ARGUMENT", `a measured count must be a non-negative integer, got ${opts.measured}`);
    const m = BigInt(opts.measured);
    result.measured = {
      count: opts.measured,
      ofSerraUpper: ratio(m, serra),
      ofShallowSameUnits: ratio(m, shallow),
      ...(m14 !== undefined && m14 > 0n ? { ofMontufar14Lower: ratio(m, m14) } : {}),
    };
  }
  result.timings.total = since(t0);
  return result;
}

/**
 * Parse an architecture string such as "784-100-100-10" (also "784x100x100x10" or commas).
 * With `hasOutput` (the default), the last number is the output layer and is set apart.
 */
export function parseArchitecture(spec: string, hasOutput = true): { widths: number[]; outputWidth?: number } {
  const parts = spec.trim().split(/[-x,\s]+/).filter((s) => s.length > 0);
  const nums = parts.map(Number);
  if (nums.some((n) => !Number.isInteger(n) || n < 1)) fail("BAD_ARGUMENT", `architecture '${spec}' must be positive integers separated by '-', e.g. 784-100-100-10`);
  const need = hasOutput ? 3 : 2;
  if (nums.length < need) {
    fail("BAD_ARGUMENT", hasOutput
      ? `architecture '${spec}' needs input, at least one hidden layer and the output (e.g. 2-32-32-1); use --no-output if the last number is a hidden layer`
      : `architecture '${spec}' needs the input dimension and at least one hidden width`);
  }
  return hasOutput ? { widths: nums.slice(0, -1), outputWidth: nums[nums.length - 1]! } : { widths: nums };
}

/** Widths [n0, hidden...] and output width of a fully-connected ReLU network (the only kind the bounds describe). */
export function architectureOf(net: Network, file?: string): { widths: number[]; outputWidth: number } {
  const hidden: number[] = [];
  for (const i of unitLayerIndices(net)) {
    const layer = net.layers[i]!;
    const src = layer.inputs[0]! >= 0 ? net.layers[layer.inputs[0]!] : undefined;
    if (layer.kind !== "activation" || src?.kind !== "dense") {
      fail("BAD_ARGUMENT", `the bounds describe fully-connected networks, but unit layer ${layer.name} (${layer.kind}) is fed by ${src ? `a ${src.kind} layer` : "the input"}; give the widths instead, e.g. 784-100-100-10`, { file });
    }
    hidden.push(sizeOf(layer.shape));
  }
  if (hidden.length === 0) fail("BAD_ARGUMENT", "the network has no hidden units, so it has a single linear region", { file });
  return { widths: [inputSize(net), ...hidden], outputWidth: outputSize(net) };
}
