/**
 * Sampled region complexity in high dimension: the distinct activation patterns met by a sample set
 * (a lower bound on the regions the samples' neighbourhood holds), per layer and overall, and the
 * local complexity around each sample (see local-complexity.ts). Works for any network: for smooth
 * activations a unit's state is the sign of its pre-activation.
 */
import { Box, checkBoxFits } from "../../core/domain.js";
import { fail } from "../../core/errors.js";
import { LensContext, LensOptions, LensResultBase, since } from "../../core/lens.js";
import { Network, inputSize, sizeOf } from "../../core/network.js";
import { createRng } from "../../core/random.js";
import { TOLERANCE } from "../../core/tolerance.js";
import { BatchResult } from "../../core/engine/reference.js";
import { engineOf, referenceEngine } from "../../core/engine/batch.js";
import { Dataset } from "../../data/dataset.js";
import { localComplexityRaw } from "./local-complexity.js";

/** A sample set: n rows of X (n × inputSize) and where they came from. */
export interface SampleSet {
  n: number;
  X: Float64Array;
  source: string;
  seed?: number;
}

/** n points uniform in a box (seeded). */
export function uniformSamples(box: Box, n: number, seed: number): SampleSet {
  const d = box.lower.length, rng = createRng(seed), X = new Float64Array(n * d);
  for (let s = 0; s < n; s++) for (let i = 0; i < d; i++) X[s * d + i] = box.lower[i]! + (box.upper[i]! - box.lower[i]!) * rng.next();
  return { n, X, source: `uniform in ${box.source ?? "a box"}`, seed };
}

/** n points x_i + N(0, σ²I) around data points taken in turn from a random permutation of the data (seeded); optional clipping. */
export function gaussianSamples(ds: Dataset, n: number, sigma: number, seed: number, clip?: [number, number]): SampleSet {
  if (!(sigma >= 0)) fail("BAD_ARGUMENT", `sigma must be >= 0, got ${sigma}`);
  if (ds.n === 0) fail("BAD_DATA", `${ds.name} has no samples`);
  const d = ds.x.length / ds.n, rng = createRng(seed), X = new Float64Array(n * d);
  const order = permutation(ds.n, rng);
  for (let s = 0; s < n; s++) {
    const i = order[s % ds.n]!;
    for (let k = 0; k < d; k++) {
      let v = ds.x[i * d + k]! + sigma * rng.normal();
      if (clip) v = Math.min(clip[1], Math.max(clip[0], v));
      X[s * d + k] = v;
    }
  }
  return { n, X, source: `N(x, ${sigma}²I) around ${ds.name} points${clip ? `, clipped to [${clip[0]}, ${clip[1]}]` : ""}`, seed };
}

/** The data rows themselves: all of them, or `n` drawn without replacement (seeded). */
export function dataSamples(ds: Dataset, n?: number, seed = 0): SampleSet {
  const d = ds.x.length / Math.max(ds.n, 1);
  if (n === undefined || n >= ds.n) return { n: ds.n, X: ds.x, source: `${ds.name}, all ${ds.n} rows` };
  const order = permutation(ds.n, createRng(seed)).slice(0, n), X = new Float64Array(n * d);
  order.forEach((i, s) => X.set(ds.x.subarray(i * d, (i + 1) * d), s * d));
  return { n, X, source: `${ds.name}, ${n} of ${ds.n} rows`, seed };
}

function permutation(n: number, rng: ReturnType<typeof createRng>): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = rng.int(i + 1); const t = p[i]!; p[i] = p[j]!; p[j] = t; }
  return p;
}

/** Options of the sampled lens. */
export interface SampledRegionsOptions {
  /** Local-complexity radius r (omit to skip local complexity). */
  radius?: number;
  /** Local complexity on the first this-many samples only (default 1000): it costs a gradient per unit. */
  localSamples?: number;
  /** Forward engine: "auto" (the context's engine, default the float64 reference), "onnxruntime" (the context's engine must be it) or "reference". */
  engine?: "auto" | "onnxruntime" | "reference";
}

/** The sampled lens's options, each default stated once. */
export const SAMPLED_OPTIONS: LensOptions<SampledRegionsOptions> = {
  radius: { description: "local-complexity radius r (omit to skip local complexity)" },
  localSamples: { default: 1000, description: "local complexity on the first this-many samples only (it costs a gradient per unit)" },
  engine: { default: "auto", description: "forward engine: auto (the context's engine), onnxruntime (required) or reference" },
};

/** Summary statistics of a per-sample quantity. */
export interface SampleStats { mean: number; median: number; min: number; max: number }

/** Result of the sampled lens (schema netsize.regions.sampled/1). */
export interface SampledRegionsResult extends LensResultBase {
  schema: "netsize.regions.sampled/1";
  samples: { n: number; source: string };
  /** The engine that ran the samples. */
  engine: string;
  units: number;
  /** Distinct activation patterns over all unit layers among the samples (a lower bound on regions met). */
  distinctPatterns: number;
  /** Patterns met by exactly one sample: when close to n, the sample barely scratches the regions. */
  singletons: number;
  /** Most samples sharing one pattern. */
  maxMultiplicity: number;
  /** Per unit layer: distinct patterns of that layer alone and of layers 1..l together; units never / always active on the samples. */
  layers: { layer: number; name: string; units: number; distinct: number; distinctUpTo: number; neverActive: number; alwaysActive: number }[];
  /** Units within `radius` of each sample (see local-complexity.ts for exactly what is counted). */
  localComplexity?: {
    radius: number;
    samples: number;
    method: string;
    count: SampleStats;
    perLayer: { layer: number; mean: number; median: number }[];
    /** First-order distance from a sample to its nearest unit boundary (over samples where some unit varies). */
    nearestBoundary: SampleStats;
  };
}

function stats(v: ArrayLike<number>): SampleStats {
  const a = Float64Array.from(v).sort();
  if (a.length === 0) return { mean: NaN, median: NaN, min: NaN, max: NaN };
  let s = 0;
  for (const x of a) s += x;
  const mid = a.length >> 1;
  return { mean: s / a.length, median: a.length % 2 ? a[mid]! : (a[mid - 1]! + a[mid]!) / 2, min: a[0]!, max: a[a.length - 1]! };
}

async function runForward(net: Network, set: SampleSet, engine: SampledRegionsOptions["engine"], ctx: LensContext): Promise<{ batch: BatchResult; used: string }> {
  const provider = engine === "reference" ? referenceEngine : engineOf(ctx);
  if (engine === "onnxruntime" && provider.name !== "onnxruntime") {
    fail("BAD_ARGUMENT", `engine 'onnxruntime' was asked for, but the context's engine is '${provider.name}'; hand in the onnxruntime engine of netsize/node (ctx.engine)`);
  }
  // A failing engine is an error, never a silent fallback to another one (and a cancel stays ABORTED).
  const e = await provider.create(net, { float: 64 });
  try { return { batch: await e.run(set.X, set.n, { signal: ctx.signal, onProgress: ctx.onProgress }), used: e.name }; } finally { await e.dispose(); }
}

/** The bytes as a string of char codes 0..255: a compact, exact map key. */
function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  return s;
}

/** Distinct activation patterns of a sample set, per layer and overall, and (with `radius`) local complexity. */
export async function sampledRegions(net: Network, set: SampleSet, options: SampledRegionsOptions = {}, ctx: LensContext = {}): Promise<SampledRegionsResult> {
  const t0 = performance.now();
  const d = inputSize(net);
  if (set.X.length !== set.n * d) fail("DOMAIN_MISMATCH", `the samples have ${set.X.length / Math.max(set.n, 1)} features, the network expects ${d} ([${net.inputShape.join(",")}])`);
  if (set.n < 1) fail("BAD_ARGUMENT", "need at least one sample");
  const { batch, used } = await runForward(net, set, options.engine ?? SAMPLED_OPTIONS.engine.default!, ctx);
  const tForward = since(t0);
  const n = set.n;
  const layers: SampledRegionsResult["layers"] = [];
  // Keys: every unit's piece packed 4 bits per unit (pieces < 16 cover ReLU-like units and 4×4 max pools).
  const running: string[] = new Array<string>(n).fill("");
  batch.unitLayers.forEach((li, k) => {
    const layer = net.layers[li]!, u = sizeOf(layer.shape), pat = batch.patterns[k]!;
    const own = new Set<string>(), upTo = new Set<string>();
    const active = new Int32Array(u);
    const bytes = new Uint8Array(Math.ceil(u / 2));
    for (let s = 0; s < n; s++) {
      bytes.fill(0);
      for (let i = 0; i < u; i++) {
        const p = pat[s * u + i]!;
        if (p > 15) fail("UNSUPPORTED_OP", `unit ${i} of layer ${layer.name} has piece ${p}; sampled patterns pack pieces < 16 (max pools up to 4×4)`, { node: layer.name });
        bytes[i >> 1]! |= p << ((i & 1) * 4);
        if (p > 0) active[i]!++;
      }
      const key = latin1(bytes);
      own.add(key);
      running[s] += key;
      upTo.add(running[s]!);
    }
    let never = 0, always = 0;
    for (let i = 0; i < u; i++) { if (active[i] === 0) never++; if (active[i] === n) always++; }
    layers.push({ layer: li, name: layer.name, units: u, distinct: own.size, distinctUpTo: upTo.size, neverActive: never, alwaysActive: always });
  });
  const counts = new Map<string, number>();
  for (const key of running) counts.set(key, (counts.get(key) ?? 0) + 1);
  let singletons = 0, maxMultiplicity = 0;
  for (const c of counts.values()) { if (c === 1) singletons++; maxMultiplicity = Math.max(maxMultiplicity, c); }
  const tPatterns = since(t0) - tForward;
  let localComplexity: SampledRegionsResult["localComplexity"];
  if (options.radius !== undefined) {
    const m = Math.min(n, options.localSamples ?? SAMPLED_OPTIONS.localSamples.default!);
    const lc = await localComplexityRaw(net, set.X.subarray(0, m * d), m, options.radius, ctx);
    localComplexity = {
      radius: options.radius,
      samples: m,
      method: lc.method,
      count: stats(lc.counts),
      perLayer: lc.perLayer.map((c, k) => { const st = stats(c); return { layer: batch.unitLayers[k]!, mean: st.mean, median: st.median }; }),
      nearestBoundary: stats(lc.nearest.filter((v) => Number.isFinite(v))),
    };
  }
  return {
    schema: "netsize.regions.sampled/1",
    options: { ...options, engine: options.engine ?? SAMPLED_OPTIONS.engine.default! },
    tolerance: { patternAgree: TOLERANCE.patternAgree },
    timings: { forward: tForward, patterns: Math.round(tPatterns * 1000) / 1000, total: since(t0) },
    ...(set.seed !== undefined ? { seed: set.seed } : {}),
    samples: { n, source: set.source },
    engine: used,
    units: layers.reduce((s, l) => s + l.units, 0),
    distinctPatterns: counts.size,
    singletons,
    maxMultiplicity,
    layers,
    ...(localComplexity ? { localComplexity } : {}),
  };
}

/** Check a box fits the network and draw uniform samples from it (convenience for the CLI and studio). */
export function boxSamples(net: Network, box: Box, n: number, seed: number): SampleSet {
  checkBoxFits(box, inputSize(net));
  return uniformSamples(box, n, seed);
}
