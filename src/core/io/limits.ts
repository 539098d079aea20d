// The largest network netsize builds from a file. A few bytes of ONNX can declare an input of 10⁹
// values, and every lens allocates per-sample buffers of each layer's size: such a file is refused
// while it is read (LIMIT_EXCEEDED), before anything of that size is allocated.
import { fail } from "../errors.js";
import { Network, Shape, sizeOf } from "../network.js";
import { layerParams } from "../summary.js";

/** Size limits of a network built from bytes (raise them with networkFromBytes(bytes, { limits })). */
export interface NetworkLimits {
  /** Values per sample of any one layer (the input included). */
  maxValues: number;
  /** Parameters of all layers together. */
  maxParams: number;
}

/** Default limits: 2^24 = 16,777,216 values per layer and sample; 2^28 = 268,435,456 parameters (2 GiB of float64). */
export const NETWORK_LIMITS: Readonly<NetworkLimits> = { maxValues: 2 ** 24, maxParams: 2 ** 28 };

const fmt = (n: number): string => n.toLocaleString("en-US");

/** LIMIT_EXCEEDED when `shape` holds more values than the limit allows (`what` names the layer or input). */
export function checkValues(what: string, shape: Shape, limits: NetworkLimits = NETWORK_LIMITS, where: { file?: string; node?: string } = {}): void {
  const n = sizeOf(shape);
  if (!(n <= limits.maxValues)) {
    fail("LIMIT_EXCEEDED", `${what} has shape [${shape.join(",")}] = ${fmt(n)} values per sample, more than netsize handles (maxValues = ${fmt(limits.maxValues)}); use a smaller model, or raise the limit in the library (networkFromBytes(bytes, { limits }))`, where);
  }
}

/** LIMIT_EXCEEDED when a layer of `net` is larger than `limits.maxValues` or the network has more than `limits.maxParams` parameters. */
export function checkNetworkSize(net: Network, limits: NetworkLimits = NETWORK_LIMITS, file?: string): void {
  checkValues("the input", net.inputShape, limits, { file });
  let params = 0;
  for (const l of net.layers) {
    checkValues(`layer '${l.name}'`, l.shape, limits, { file });
    params += layerParams(l);
  }
  if (!(params <= limits.maxParams)) {
    fail("LIMIT_EXCEEDED", `the network has ${fmt(params)} parameters, more than netsize handles (maxParams = ${fmt(limits.maxParams)}); raise the limit in the library (networkFromBytes(bytes, { limits }))`, { file });
  }
}
