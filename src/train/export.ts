// Conversion of trained parameters to a plain netsize Network: batch norm folded into the
// affine layer before it, dropout dropped, everything else one layer per training node.
import { LayerSpec, Network, createNetwork } from "../core/network.js";
import { fail } from "../core/errors.js";
import { Arch } from "./arch.js";
import { ParamSet } from "./init/params.js";
import { foldNorm } from "./normalization.js";

/**
 * The netsize Network of an architecture with the given parameters (float64, netsize layout).
 * A norm node must directly follow the affine node it normalises (as parseArch builds them).
 */
export function exportNetwork(arch: Arch, params: ParamSet, meta: Record<string, unknown> = {}): Network {
  const specs: LayerSpec[] = [];
  // mapping from training node index to exported layer index (-1 stays the network input)
  const map = new Map<number, number>([[-1, -1]]);
  let affineIdx = 0, normIdx = 0;
  const folded = new Map<number, number>(); // affine node index -> param index, for norms to fold into
  arch.nodes.forEach((node, k) => {
    const inputs = node.inputs.map((i) => map.get(i)!);
    switch (node.kind) {
      case "dense":
      case "conv2d": {
        const p = params.affine[affineIdx]!;
        if (node.kind === "dense") {
          specs.push({ kind: "dense", name: node.name, inputs, inSize: node.inSize, outSize: node.outSize, weight: p.weight, bias: p.bias });
        } else {
          specs.push({
            kind: "conv2d", name: node.name, inputs, inChannels: node.inChannels, outChannels: node.outChannels,
            kernel: node.kernel, stride: node.stride, pads: node.pads, dilation: [1, 1], weight: p.weight, bias: p.bias,
          });
        }
        folded.set(k, affineIdx++);
        map.set(k, specs.length - 1);
        break;
      }
      case "norm": {
        const src = node.inputs[0]!;
        const pi = folded.get(src);
        if (pi === undefined) fail("BAD_MODEL", "a batch norm must follow a dense or conv layer to be folded", { node: node.name });
        const layer = specs[map.get(src)!]! as LayerSpec & { weight: Float64Array; bias: Float64Array };
        const f = foldNorm({ weight: layer.weight, bias: layer.bias }, params.norm[normIdx++]!);
        layer.weight = f.weight;
        layer.bias = f.bias;
        map.set(k, map.get(src)!);
        break;
      }
      case "dropout": map.set(k, inputs[0]!); break;
      case "activation":
        specs.push({ kind: "activation", name: node.name, inputs, fn: node.fn, ...node.params });
        map.set(k, specs.length - 1);
        break;
      case "add": specs.push({ kind: "add", name: node.name, inputs }); map.set(k, specs.length - 1); break;
      case "maxpool":
      case "avgpool":
        specs.push({ kind: node.kind, name: node.name, inputs, kernel: node.kernel, stride: node.stride, pads: [0, 0, 0, 0] });
        map.set(k, specs.length - 1);
        break;
      case "flatten": specs.push({ kind: "flatten", name: node.name, inputs }); map.set(k, specs.length - 1); break;
    }
  });
  // a network whose last node was dropout would end on an earlier layer; parseArch never builds one
  return createNetwork(arch.inputShape, specs, { source: "netsize train", arch: arch.spec, ...meta });
}
