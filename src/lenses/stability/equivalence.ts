// The equivalence check of a compression: max |f(x) − f'(x)| over many points of the domain
// (centre, vertices, data inside the box, uniform), in float64 on the batched engine, and again
// through onnxruntime on the exported file exactly as a user would load it.
import ort from "onnxruntime-node";
import { Box, inBox } from "../../core/domain.js";
import { createBatchedEngine } from "../../core/engine/onnxruntime.js";
import { forwardBatchReference } from "../../core/engine/reference.js";
import { fail } from "../../core/errors.js";
import { checkAborted, LensContext } from "../../core/lens.js";
import { inputSize, Network, outputSize } from "../../core/network.js";
import { createRng } from "../../core/random.js";
import { TOLERANCE } from "../../core/tolerance.js";

/** Options of the equivalence check. */
export interface EquivalenceOptions {
  /** Number of points (default 100,000). */
  points?: number;
  seed?: number;
  /** Data points (n × inputSize); those inside the box are used. */
  data?: { x: Float64Array; n: number };
  /** "batched" (onnxruntime float64, default) or "reference" (the TypeScript reference engine; slow, for tests). */
  engine?: "batched" | "reference";
  /** Exported ONNX bytes of the compressed network, to be run through onnxruntime as well. */
  exported?: Uint8Array;
}

/** The outcome of the equivalence check. */
export interface EquivalenceReport {
  points: number;
  sources: { centre: number; vertices: number; data: number; uniform: number };
  /** max |f(x) − f'(x)| over all points and outputs, float64. */
  maxAbsDiff: number;
  /** The point index where it was reached. */
  worstPoint: number;
  tolerance: number;
  /** maxAbsDiff <= tolerance. */
  equal: boolean;
  engine: "batched" | "reference";
  /** The same against the exported file run by onnxruntime (its own precision). */
  exported?: { maxAbsDiff: number; float: 32 | 64 };
  seed: number;
}

const CHUNK = 2048;

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
  const total = opts.points ?? 100_000, seed = opts.seed ?? 0, engine = opts.engine ?? "batched";
  const run = async (net: Network): Promise<(X: Float64Array, n: number) => Promise<Float64Array>> => {
    if (engine === "reference") return async (X, n) => forwardBatchReference(net, X, n, { withUnits: false }).outputs;
    const e = await createBatchedEngine(net, { float: 64, withUnits: false });
    disposers.push(() => e.dispose());
    return async (X, n) => (await e.run(X, n, { withUnits: false })).outputs;
  };
  const disposers: (() => Promise<void>)[] = [];
  const sources = { centre: 0, vertices: 0, data: 0, uniform: 0 };
  let maxAbsDiff = 0, worstPoint = -1, seen = 0, exportedMax = 0;
  let session: ort.InferenceSession | undefined, exportedFloat: 32 | 64 = 64;
  try {
    const fa = await run(a), fb = await run(b);
    if (opts.exported) {
      session = await ort.InferenceSession.create(opts.exported, { graphOptimizationLevel: "basic", logSeverityLevel: 3 });
    }
    for (const chunk of pointChunks(box, total, seed, opts.data)) {
      checkAborted(ctx);
      const ya = await fa(chunk.X, chunk.n), yb = await fb(chunk.X, chunk.n);
      for (let k = 0; k < chunk.n * m; k++) {
        const diff = Math.abs(ya[k]! - yb[k]!);
        if (!(diff <= maxAbsDiff)) { maxAbsDiff = Number.isNaN(diff) ? Infinity : diff; worstPoint = seen + Math.floor(k / m); }
      }
      if (session) {
        const r = await runExported(session, chunk.X, chunk.n, a.inputShape);
        exportedFloat = r.float;
        for (let k = 0; k < chunk.n * m; k++) exportedMax = Math.max(exportedMax, Math.abs(ya[k]! - r.y[k]!));
      }
      sources[chunk.kind] += chunk.n;
      seen += chunk.n;
      ctx.onProgress?.({ done: seen, total, stage: "equivalence" });
    }
  } finally {
    for (const f of disposers) await f();
    await session?.release();
  }
  return {
    points: seen, sources, maxAbsDiff, worstPoint, tolerance: TOLERANCE.equivalence, equal: maxAbsDiff <= TOLERANCE.equivalence, engine,
    ...(opts.exported ? { exported: { maxAbsDiff: exportedMax, float: exportedFloat } } : {}),
    seed,
  };
}

async function runExported(session: ort.InferenceSession, X: Float64Array, n: number, inputShape: readonly number[]): Promise<{ y: Float64Array; float: 32 | 64 }> {
  const name = session.inputNames[0]!;
  const meta = (session as unknown as { inputMetadata?: { type?: string }[] }).inputMetadata?.[0];
  const float: 32 | 64 = meta?.type === "float64" || meta?.type === "double" ? 64 : await probeFloat(session, name, inputShape);
  const feed = float === 64 ? new ort.Tensor("float64", X, [n, ...inputShape]) : new ort.Tensor("float32", Float32Array.from(X), [n, ...inputShape]);
  const res = await session.run({ [name]: feed });
  const out = res[session.outputNames[0]!]!;
  const y = Float64Array.from(out.data as Float64Array | Float32Array);
  for (const t of Object.values(res)) t.dispose();
  return { y, float };
}

const floatOf = new WeakMap<ort.InferenceSession, 32 | 64>();

/** The input precision of a session, found by trying float64 once. */
async function probeFloat(session: ort.InferenceSession, name: string, inputShape: readonly number[]): Promise<32 | 64> {
  const known = floatOf.get(session);
  if (known) return known;
  let f: 32 | 64 = 32;
  try {
    const size = inputShape.reduce((p, q) => p * q, 1);
    const r = await session.run({ [name]: new ort.Tensor("float64", new Float64Array(size), [1, ...inputShape]) });
    for (const t of Object.values(r)) t.dispose();
    f = 64;
  } catch { f = 32; }
  floatOf.set(session, f);
  return f;
}
