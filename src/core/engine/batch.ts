// The BatchEngine contract: how a lens forwards many samples without knowing where it runs. The exact
// float64 reference engine is the default; the Node side supplies onnxruntime through ctx.engine.
import { fail } from "../errors.js";
import { Network } from "../network.js";
import { checkAborted, ProgressContext } from "../progress.js";
import { BatchOptions, BatchResult, forwardBatchReference } from "./reference.js";

/** Options for compiling a network into a batch engine. */
export interface BatchEngineOptions {
  /** Precision of weights and arithmetic: 64 (default) agrees with the reference to rounding; 32 is faster. */
  float?: 32 | 64;
  /** Samples per run of the underlying session (the engine's default when absent). */
  chunkSize?: number;
  /** Threads the engine may use (its default when absent). */
  threads?: number;
  /** Default of run()'s withUnits (default true). */
  withUnits?: boolean;
}

/** Per-call options of BatchEngine.run: BatchOptions plus cancellation and progress. */
export type BatchRunOptions = BatchOptions & ProgressContext;

/** A network compiled for batched forward passes; run() returns the same BatchResult as forwardBatchReference. */
export interface BatchEngine {
  /** Which engine this is ("reference", "onnxruntime", ...), recorded in results. */
  readonly name: string;
  readonly float: 32 | 64;
  /** Forward n samples X (n × inputSize, row-major): outputs, and unless withUnits is false every unit layer's pre-activations and patterns. */
  run(X: Float64Array, n: number, opts?: BatchRunOptions): Promise<BatchResult>;
  /** Release what the engine holds. */
  dispose(): Promise<void>;
}

/** Makes batch engines for networks; lenses receive one through ctx.engine. */
export interface EngineProvider {
  readonly name: string;
  create(net: Network, opts?: BatchEngineOptions): Promise<BatchEngine>;
  /**
   * Open serialised ONNX bytes as an outside consumer of the file would (onnxruntime in Node). Optional:
   * the browser has no such runtime, and then a lens checks the bytes by decoding them itself.
   */
  openOnnx?(bytes: Uint8Array): Promise<OnnxRunner>;
}

/** Serialised ONNX bytes opened by an outside runtime: run() feeds n samples in the file's own input precision. */
export interface OnnxRunner {
  run(X: Float64Array, n: number, inputShape: readonly number[]): Promise<{ outputs: Float64Array; float: 32 | 64; note?: string }>;
  dispose(): Promise<void>;
}

/** Samples per progress report of the reference engine. */
const REFERENCE_CHUNK = 1024;

/** The exact float64 reference forward pass as a batch engine (the default engine of every lens). */
export const referenceEngine: EngineProvider = {
  name: "reference",
  async create(net: Network, opts: BatchEngineOptions = {}): Promise<BatchEngine> {
    if ((opts.float ?? 64) !== 64) fail("BAD_ARGUMENT", `the reference engine computes in float64 only, not float${String(opts.float)}; use the onnxruntime engine of netsize/node for float32`);
    const defaultUnits = opts.withUnits ?? true;
    const chunk = opts.chunkSize ?? REFERENCE_CHUNK;
    let disposed = false;
    return {
      name: "reference",
      float: 64,
      async run(X, n, ropts = {}) {
        if (disposed) fail("BAD_ARGUMENT", "the reference engine was disposed");
        const withUnits = ropts.withUnits ?? defaultUnits;
        if (!ropts.onProgress && !ropts.signal) return forwardBatchReference(net, X, n, { withUnits });
        const d = n > 0 ? X.length / n : 0;
        const parts: BatchResult[] = [];
        for (let s0 = 0; s0 < n; s0 += chunk) {
          checkAborted(ropts);
          const k = Math.min(chunk, n - s0);
          parts.push(forwardBatchReference(net, X.subarray(s0 * d, (s0 + k) * d), k, { withUnits }));
          ropts.onProgress?.({ done: s0 + k, total: n, stage: "forward" });
        }
        return concatBatches(parts, n, forwardBatchReference(net, X.subarray(0, 0), 0, { withUnits }));
      },
      async dispose() { disposed = true; },
    };
  },
};

/** Join chunk results into one BatchResult (`empty` gives the layout when there are no chunks). */
function concatBatches(parts: BatchResult[], n: number, empty: BatchResult): BatchResult {
  if (parts.length === 1) return parts[0]!;
  const join = <T extends Float64Array | Float32Array | Uint8Array>(arrays: T[], make: (len: number) => T): T => {
    const out = make(arrays.reduce((s, a) => s + a.length, 0));
    let o = 0;
    for (const a of arrays) { out.set(a, o); o += a.length; }
    return out;
  };
  return {
    n,
    outputs: join(parts.map((p) => p.outputs), (l) => new Float64Array(l)),
    unitLayers: [...empty.unitLayers],
    preActivations: empty.preActivations.map((_, j) => {
      const ps = parts.map((p) => p.preActivations[j]!);
      return ps.every((a) => a instanceof Float32Array) ? join(ps as Float32Array[], (l) => new Float32Array(l)) : join(ps, (l) => new Float64Array(l));
    }),
    patterns: empty.patterns.map((_, j) => join(parts.map((p) => p.patterns[j]!), (l) => new Uint8Array(l))),
  };
}

/** The engine provider of a context: the one handed in, else the reference engine. */
export function engineOf(ctx: { engine?: EngineProvider } | undefined): EngineProvider {
  return ctx?.engine ?? referenceEngine;
}
