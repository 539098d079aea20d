// The equivalence check of a compression: max |f(x) − f'(x)| over many points of the domain
// (centre, vertices, data inside the box, uniform), in float64 on the batched engine, and again
// through an outside runtime on the exported file exactly as a user would load it (onnxruntime, handed in
// by the Node side as ctx.engine; without one, netsize decodes the bytes itself).
import { Box, inBox } from "../../core/domain.js";
import { engineOf, OnnxRunner, referenceEngine } from "../../core/engine/batch.js";
import { networkFromOnnx } from "../../core/io/index.js";
import { fail } from "../../core/errors.js";
import { checkAborted, LensContext, LensOptions, LensResultBase, since } from "../../core/lens.js";
import { inputSize, Network, outputSize } from "../../core/network.js";
import { createRng } from "../../core/random.js";
import { applyOutputTransform, outputTransformOf } from "../../core/output-transform.js";
import { TOLERANCE } from "../../core/tolerance.js";

/** Options of the equivalence check. */
export interface EquivalenceOptions {
  /** Number of points (default 100,000). */
  points?: number;
  seed?: number;
  /** Data points (n × inputSize); those inside the box are used. */
  data?: { x: Float64Array; n: number };
  /** "batched" (the context's engine in float64, default) or "reference" (always the TypeScript reference engine). */
  engine?: "batched" | "reference";
  /** Exported ONNX bytes of the compressed network, to be run by the context's ONNX runtime as well. */
  exported?: Uint8Array;
}

/** The outcome of the equivalence check. */
export interface EquivalenceReport extends LensResultBase {
  schema: "netsize.equivalence/1";
  points: number;
  sources: { centre: number; vertices: number; data: number; uniform: number };
  /** max |f(x) − f'(x)| over all points and outputs, float64. */
  maxAbsDiff: number;
  /** The point index where it was reached. */
  worstPoint: number;
  /** The equivalence tolerance used (TOLERANCE.equivalence). */
  tolerance: { equivalence: number };
  /** maxAbsDiff <= tolerance.equivalence. */
  equal: boolean;
  engine: "batched" | "reference";
  /** The engine that ran both networks ("onnxruntime", "reference", ...). */
  engineName: string;
  /** The same against the exported file, run by `runtime` in the file's own precision. */
  exported?: { maxAbsDiff: number; float: 32 | 64; runtime: string; note?: string };
  seed: number;
}

const CHUNK = 2048;

/** The equivalence check's options, each default stated once. */
export const EQUIVALENCE_OPTIONS: LensOptions<EquivalenceOptions> = {
  points: { default: 100_000, description: "points of the equivalence check (centre, vertices, data inside the box, uniform)" },
  seed: { default: 0, description: "seed of the sampled points" },
  data: { description: "data points (n × inputSize); those inside the box are used" },
  engine: { default: "batched", description: "batched (the context's engine, float64) or reference" },
  exported: { description: "exported ONNX bytes of the compressed network, run by the context's ONNX runtime as well" },
};

/** Generate the check's points chunk by chunk (never all in memory): centre, vertices, data, then uniform. */
function* pointChunks(box: Box, total: number, seed: number, data?: { x: Float64Array; n: number }): Generator<{ X: Float64Array; n: number; kind: keyof EquivalenceReport["sources"] }> {
  const d = box.lower.length, rng = createRng(seed);
  let left = total;
  const emit = function* (kind: keyof EquivalenceReport["sources"], count: number, f: (X: Float64Array, r: number) => void) {
    for (let s = 0; s < count && left > 0; s += CHUNK) {
      const n = Math.min(CHUNK, count - s, left);
      const X = new Float64Array(n * d);
      for (let r = 0; r < n; r++) f(X, r);
      left -= n;
      yield { X, n, kind };
    }
  };
  yield* emit("centre", 1, (X) => { for (let i = 0; i < d; i++) X[i] = 0.5 * (box.lower[i]! + box.upper[i]!); });
  const allVertices = d <= 20 && 2 ** d <= total / 4;
  let v = 0;
  yield* emit("vertices", allVertices ? 2 ** d : Math.floor(total / 8), (X, r) => {
    for (let i = 0; i < d; i++) X[r * d + i] = (allVertices ? (v >> i) & 1 : rng.next() < 0.5) ? box.upper[i]! : box.lower[i]!;
    v++;
  });
  if (data) {
    const inside: number[] = [];
    for (let s = 0; s < data.n && inside.length < total / 4; s++) if (inBox(box, data.x.subarray(s * d, (s + 1) * d))) inside.push(s);
    let t = 0;
    yield* emit("data", inside.length, (X, r) => { X.set(data.x.subarray(inside[t]! * d, (inside[t]! + 1) * d), r * d); t++; });
  }
  yield* emit("uniform", left, (X, r) => { for (let i = 0; i < d; i++) X[r * d + i] = box.lower[i]! + rng.next() * (box.upper[i]! - box.lower[i]!); });
}

/** Compare two networks on the domain; both must take the same input and give the same number of outputs. */
export async function checkEquivalence(a: Network, b: Network, box: Box, opts: EquivalenceOptions = {}, ctx: LensContext = {}): Promise<EquivalenceReport> {
  const d = inputSize(a), m = outputSize(a);
  if (inputSize(b) !== d || outputSize(b) !== m) fail("SHAPE_MISMATCH", `the networks differ in shape: ${d}→${m} and ${inputSize(b)}→${outputSize(b)}`);
  const t0 = performance.now();
  const total = opts.points ?? EQUIVALENCE_OPTIONS.points.default!, seed = opts.seed ?? EQUIVALENCE_OPTIONS.seed.default!, engine = opts.engine ?? EQUIVALENCE_OPTIONS.engine.default!;
  const provider = engine === "reference" ? referenceEngine : engineOf(ctx);
  const disposers: (() => Promise<void>)[] = [];
  const run = async (net: Network): Promise<(X: Float64Array, n: number) => Promise<Float64Array>> => {
    const e = await provider.create(net, { float: 64, withUnits: false });
    disposers.push(() => e.dispose());
    return async (X, n) => (await e.run(X, n, { withUnits: false })).outputs;
  };
  const sources = { centre: 0, vertices: 0, data: 0, uniform: 0 };
  let maxAbsDiff = 0, worstPoint = -1, seen = 0, exportedMax = 0;
  let exportedFloat: 32 | 64 = 64, runtime = "", note: string | undefined;
  try {
    const fa = await run(a), fb = await run(b);
    let runner: OnnxRunner | undefined;
    if (opts.exported) {
      const open = engineOf(ctx).openOnnx;
      if (open) { runner = await open(opts.exported); runtime = engineOf(ctx).name; }
      else { runner = await decodedRunner(opts.exported); runtime = "netsize (decoded)"; }
      const r = runner;
      disposers.push(() => r.dispose());
    }
    for (const chunk of pointChunks(box, total, seed, opts.data)) {
      checkAborted(ctx);
      const yaLogits = await fa(chunk.X, chunk.n), yb = await fb(chunk.X, chunk.n);
      for (let k = 0; k < chunk.n * m; k++) {
        const diff = Math.abs(yaLogits[k]! - yb[k]!);
        if (!(diff <= maxAbsDiff)) { maxAbsDiff = Number.isNaN(diff) ? Infinity : diff; worstPoint = seen + Math.floor(k / m); }
      }
      if (runner) {
        const r = await runner.run(chunk.X, chunk.n, a.inputShape);
        // The file computes what the model computes: the recorded output transform (a final Softmax, Sigmoid) included.
        const ya = applyOutputTransform(outputTransformOf(a), yaLogits, m);
        exportedFloat = r.float;
        if (r.note) note = r.note;
        for (let k = 0; k < chunk.n * m; k++) {
          const diff = Math.abs(ya[k]! - r.outputs[k]!);
          if (!(diff <= exportedMax)) exportedMax = Number.isNaN(diff) ? Infinity : diff;
        }
      }
      sources[chunk.kind] += chunk.n;
      seen += chunk.n;
      ctx.onProgress?.({ done: seen, total, stage: "equivalence" });
    }
  } finally {
    for (const f of disposers) await f();
  }
  return {
    schema: "netsize.equivalence/1",
    options: { points: total, seed, engine, exported: opts.exported !== undefined, data: opts.data?.n ?? 0 },
    tolerance: { equivalence: TOLERANCE.equivalence },
    points: seen, sources, maxAbsDiff, worstPoint, equal: maxAbsDiff <= TOLERANCE.equivalence, engine, engineName: provider.name,
    ...(opts.exported ? { exported: { maxAbsDiff: exportedMax, float: exportedFloat, runtime, ...(note ? { note } : {}) } } : {}),
    seed,
    timings: { total: since(t0) },
  };
}

/** Without an outside runtime: decode the bytes with netsize's own ONNX reader and run them on the reference engine. */
async function decodedRunner(bytes: Uint8Array): Promise<OnnxRunner> {
  const net = networkFromOnnx(bytes);
  const e = await referenceEngine.create(net, { withUnits: false });
  return {
    run: async (X, n) => ({ outputs: applyOutputTransform(outputTransformOf(net), (await e.run(X, n, { withUnits: false })).outputs, outputSize(net)), float: 64 }),
    dispose: () => e.dispose(),
  };
}
