// The compress lens: stable units on the domain, the smaller network they imply, and the equivalence
// check on the exported bytes — everything `netsize compress` does before it writes a file.
import { Box } from "../../core/domain.js";
import { networkToOnnx } from "../../core/io/index.js";
import { LensContext, LensOptions, LensResultBase, since } from "../../core/lens.js";
import { Network } from "../../core/network.js";
import { COMPRESS_OPTIONS, compress, CompressionReport, CompressOptions } from "./compress.js";
import { checkEquivalence, EQUIVALENCE_OPTIONS, EquivalenceReport } from "./equivalence.js";
import { StabilityResult } from "./report.js";
import { stability, STABILITY_OPTIONS, StabilityOptions } from "./stability.js";

/** Options of the compress lens: the stability lens's, the compression's, and the check's. */
export interface CompressRunOptions extends StabilityOptions, CompressOptions {
  /** Points of the equivalence check. */
  points?: number;
  /** Weight precision of the exported ONNX bytes. */
  float?: 32 | 64;
}

/** The compress lens's options, each default stated once (stability's and the compression's are theirs). */
export const COMPRESS_RUN_OPTIONS: LensOptions<CompressRunOptions> = {
  ...STABILITY_OPTIONS,
  ...COMPRESS_OPTIONS,
  points: EQUIVALENCE_OPTIONS.points,
  float: { default: 64, description: "ONNX weight precision of the compressed network: 64 (exact) or 32" },
};

/** The result of the compress lens (schema "netsize.compress/1"). */
export interface CompressRunResult extends LensResultBase {
  schema: "netsize.compress/1";
  stability: StabilityResult;
  compression: CompressionReport;
  equivalence: EquivalenceReport;
  /** The compressed network equals the original on the domain (float64), and so does the exported file (float64 exports). */
  equal: boolean;
  /** The compressed network, and its ONNX bytes in the asked precision (not serialised into JSON). */
  network: Network;
  onnx: Uint8Array;
}

/** Stability, compression and the equivalence check of the exported bytes, in one run. */
export async function compressOnDomain(net: Network, box: Box, options: CompressRunOptions = {}, ctx: LensContext = {}): Promise<CompressRunResult> {
  const t0 = performance.now();
  const float = options.float ?? COMPRESS_RUN_OPTIONS.float.default!;
  const stab = await stability(net, box, options, ctx);
  const { network, report } = compress(net, stab, options.merge !== undefined ? { merge: options.merge } : {}, ctx);
  const onnx = networkToOnnx(network, { float });
  const eq = await checkEquivalence(net, network, box, {
    points: options.points ?? COMPRESS_RUN_OPTIONS.points.default!,
    seed: stab.seed ?? 0,
    exported: onnx,
    ...(options.data ? { data: options.data } : {}),
  }, ctx);
  const exportedOk = !eq.exported || eq.exported.float === 32 || eq.exported.maxAbsDiff <= eq.tolerance.equivalence;
  const result: CompressRunResult = {
    schema: "netsize.compress/1",
    options: { ...stab.options, merge: report.options.merge, points: eq.points, float },
    tolerance: { ...stab.tolerance, ...report.tolerance },
    timings: { total: since(t0), stability: stab.timings.total, compression: report.timings.total, equivalence: eq.timings.total },
    seed: stab.seed ?? 0,
    stability: stab,
    compression: report,
    equivalence: eq,
    equal: eq.equal && exportedOk,
    network,
    onnx,
  };
  // The network and its bytes are for the caller; a JSON rendering of the result leaves them out.
  Object.defineProperty(result, "network", { enumerable: false });
  Object.defineProperty(result, "onnx", { enumerable: false });
  return result;
}
