// The batched fast path: the network is exported to ONNX once and run in chunks by a reused onnxruntime session.
import { availableParallelism } from "node:os";
import onnxProto from "onnx-proto";
import ort from "onnxruntime-node";
import { fail, isNetsizeError } from "../../core/errors.js";
import { networkToOnnx } from "../../core/io/index.js";
import { checkAborted } from "../../core/progress.js";
import type { BatchEngine, BatchEngineOptions, BatchRunOptions, EngineProvider } from "../../core/engine/batch.js";
import { inputSize, Network, outputSize, sizeOf } from "../../core/network.js";
import { unitLayerIndices } from "../../core/summary.js";
import { lowerForOrtFloat64 } from "./ort-lowering.js";
import { probeShapes } from "./ort-shapes.js";
import type { BatchResult } from "../../core/engine/reference.js";
import { openOnnx } from "./onnx-runner.js";
import { unitPatterns, unitStates } from "../../core/engine/unit-states.js";

const { onnx } = onnxProto;

/** Options of the batched engine (the BatchEngine options; threads default to the machine's core count). */
export type BatchedEngineOptions = BatchEngineOptions;

/** Per-call options of BatchedEngine.run: BatchOptions plus cancellation and progress. */
export type BatchedRunOptions = BatchRunOptions;

/** A network compiled for onnxruntime (a BatchEngine named "onnxruntime"). */
export type BatchedEngine = BatchEngine;

/**
 * Session config for float64 graphs: onnxruntime's ReLU+Clip fusion throws on a float64 Clip ("Unexpected
 * data type for Clip 'min' input of 11"), so a ReLU followed by a hard tanh would not load; it is switched off.
 */
export const ORT_FLOAT64_EXTRA = { optimization: { disable_specified_optimizers: "FuseReluClip" } };

/** Name of the extra graph output carrying the input of unit layer `li` (see networkToOnnx unitOutputs). */
export const unitOutputName = (li: number): string => `pre_${li}`;

interface Compiled {
  session: ort.InferenceSession;
  input: string;
  output: string;
}

async function compile(net: Network, float: 32 | 64, withUnits: boolean, threads: number): Promise<Compiled> {
  let bytes = networkToOnnx(net, { float, unitOutputs: withUnits, logits: true });
  if (float === 64) {
    const model = onnx.ModelProto.decode(bytes);
    // The spatial rewrites need their inputs' shapes: read them from the float32 export, whose tensors have the same names.
    const spatial = (model.graph?.node ?? []).filter((n) => n.opType === "Conv" || n.opType === "AveragePool").map((n) => n.input![0]!);
    const shapes = spatial.length > 0 ? await probeShapes(networkToOnnx(net, { float: 32, logits: true }), spatial, net.inputShape) : new Map<string, number[]>();
    bytes = onnx.ModelProto.encode(lowerForOrtFloat64(model, shapes)).finish();
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      // Extended fusions (QuickGelu, FusedGemm...) exist only for float32 in the CPU provider.
      graphOptimizationLevel: float === 64 ? "basic" : "all",
      ...(float === 64 ? { extra: ORT_FLOAT64_EXTRA } : {}),
      logSeverityLevel: 3,
    });
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0]!;
    if (/implementation for/i.test(msg)) {
      fail("UNSUPPORTED_OP", `onnxruntime cannot run this network in float${float} (${msg}); try the other --float or the reference engine`);
    }
    fail("BAD_MODEL", `onnxruntime rejected the exported network: ${msg}`);
  }
  const units = withUnits ? unitLayerIndices(net).map(unitOutputName) : [];
  const output = session.outputNames.find((o) => !units.includes(o));
  const missing = units.filter((u) => !session.outputNames.includes(u));
  if (session.inputNames.length !== 1 || output === undefined || missing.length > 0) {
    await session.release();
    fail("BAD_MODEL", `the exported network has inputs [${session.inputNames.join(", ")}] and outputs [${session.outputNames.join(", ")}]; expected one input, one output and ${missing.join(", ") || "the unit outputs"}`);
  }
  return { session, input: session.inputNames[0]!, output };
}

/**
 * Samples per chunk so that a chunk's input, output and unit tensors hold about 1 M numbers (4–8 MB, in
 * cache while the unit outputs are copied out). Chunks of 4 M numbers made onnxruntime's extra unit
 * outputs cost 40–60 % of the pass on mnist-net_256x6 (16 MB written per chunk, then read back from
 * memory); at 1 M they cost ~10 %.
 */
export function defaultChunkSize(net: Network): number {
  const perSample = inputSize(net) + outputSize(net) + unitLayerIndices(net).reduce((s, li) => s + sizeOf(net.layers[li]!.shape), 0);
  return Math.max(16, Math.min(8192, Math.floor(1_048_576 / perSample)));
}

/**
 * Compile a network for batched forward passes on onnxruntime-node (float64 by default). The session is
 * created once per mode (with or without unit outputs) and reused across run() calls.
 */
export async function createBatchedEngine(net: Network, opts: BatchedEngineOptions = {}): Promise<BatchedEngine> {
  const float = opts.float ?? 64;
  if (float !== 32 && float !== 64) fail("BAD_ARGUMENT", `float must be 32 or 64, got ${String(float)}`);
  const threads = opts.threads ?? availableParallelism();
  const chunk = opts.chunkSize ?? defaultChunkSize(net);
  if (!Number.isInteger(chunk) || chunk < 1) fail("BAD_ARGUMENT", `chunkSize must be a positive integer, got ${chunk}`);
  const sessions = new Map<boolean, Promise<Compiled>>();
  const get = (withUnits: boolean): Promise<Compiled> => {
    let s = sessions.get(withUnits);
    if (!s) { s = compile(net, float, withUnits, threads); sessions.set(withUnits, s); }
    return s;
  };
  const defaultUnits = opts.withUnits ?? true;
  await get(defaultUnits);
  const d = inputSize(net), m = outputSize(net);
  const unitLayers = unitLayerIndices(net);
  const unitSizes = unitLayers.map((li) => sizeOf(net.layers[li]!.shape));
  let disposed = false;

  async function run(X: Float64Array, n: number, ropts: BatchedRunOptions = {}): Promise<BatchResult> {
    if (disposed) fail("BAD_ARGUMENT", "the batched engine was disposed");
    if (!Number.isInteger(n) || n < 0 || X.length !== n * d) fail("DOMAIN_MISMATCH", `batch has ${X.length} values, expected ${n} × ${d} ([${net.inputShape.join(",")}])`);
    const withUnits = ropts.withUnits ?? defaultUnits;
    const c = await get(withUnits);
    const outputs = new Float64Array(n * m);
    const preActivations = withUnits ? unitSizes.map((s) => (float === 32 ? new Float32Array(n * s) : new Float64Array(n * s))) : [];
    const patterns = withUnits ? unitSizes.map((s) => new Uint8Array(n * s)) : [];
    const names = withUnits ? unitLayers.map(unitOutputName) : [];
    // Activation layers' pre-activations are written by onnxruntime straight into the result (pre-allocated
    // outputs: no per-chunk output buffer, no copy; 100,000 × 1,536 float32 is 614 MB); max-pool windows go
    // through unitStates. Inputs are converted into one reused float32 buffer.
    const inPlace = unitLayers.map((li) => net.layers[li]!.kind === "activation");
    const in32 = float === 32 ? new Float32Array(Math.min(chunk, n) * d) : undefined;
    for (let s0 = 0; s0 < n; s0 += chunk) {
      checkAborted(ropts);
      const k = Math.min(chunk, n - s0);
      const xs = X.subarray(s0 * d, (s0 + k) * d);
      let feed: ort.Tensor;
      if (in32) { const v = in32.subarray(0, k * d); v.set(xs); feed = new ort.Tensor("float32", v, [k, ...net.inputShape]); }
      else feed = new ort.Tensor("float64", xs, [k, ...net.inputShape]);
      const fetches: Record<string, ort.Tensor | null> = { [c.output]: null };
      if (withUnits) unitLayers.forEach((li, j) => {
        const view = preActivations[j]!.subarray(s0 * unitSizes[j]!, (s0 + k) * unitSizes[j]!);
        fetches[names[j]!] = inPlace[j] ? (float === 32 ? new ort.Tensor("float32", view as Float32Array, [k, ...net.layers[li]!.shape]) : new ort.Tensor("float64", view as Float64Array, [k, ...net.layers[li]!.shape])) : null;
      });
      let res: ort.InferenceSession.ReturnType;
      try {
        res = await c.session.run({ [c.input]: feed }, fetches);
      } catch (e) {
        if (isNetsizeError(e)) throw e;
        fail("BAD_MODEL", `onnxruntime failed on samples ${s0}..${s0 + k - 1}: ${(e as Error).message.split("\n")[0]}`);
      }
      outputs.set(res[c.output]!.data as Float64Array | Float32Array, s0 * m);
      if (withUnits) unitLayers.forEach((li, j) => {
        const size = unitSizes[j]!;
        const pattern = patterns[j]!.subarray(s0 * size, (s0 + k) * size);
        if (inPlace[j]) unitPatterns(net, li, preActivations[j]!.subarray(s0 * size, (s0 + k) * size), k, pattern);
        else unitStates(net, li, res[names[j]!]!.data as Float64Array | Float32Array, k, preActivations[j]!.subarray(s0 * size), pattern);
      });
      for (const [name, t] of Object.entries(res)) if (!(name in fetches) || fetches[name] === null) t.dispose();
      ropts.onProgress?.({ done: s0 + k, total: n, stage: "forward" });
    }
    return { n, outputs, unitLayers: [...unitLayers], preActivations, patterns };
  }

  return {
    name: "onnxruntime",
    float,
    run,
    async dispose() {
      disposed = true;
      for (const s of sessions.values()) await (await s).session.release();
      sessions.clear();
    },
  };
}

/** The onnxruntime-node engine provider: the Node side hands it to lenses as ctx.engine. */
export const onnxruntimeEngine: EngineProvider = {
  name: "onnxruntime",
  create: (net, opts) => createBatchedEngine(net, opts),
  openOnnx,
};
