// --init-from MODEL: start a run from given weights (so a published initialisation can be replayed):
// the model's dense/conv layers, in order, must have the architecture's shapes.
import { fail } from "../core/errors.js";
import { Network } from "../core/network.js";
import { Arch, affineNodes } from "./arch.js";
import { AffineParams, ParamSet, freshNorms } from "./init/params.js";

/** The affine parameters of `net` for `arch` (norm layers start fresh); BAD_ARGUMENT naming the first layer that does not fit. */
export function paramsFromNetwork(arch: Arch, net: Network, file: string): ParamSet {
  const nodes = affineNodes(arch);
  const layers = net.layers.filter((l) => l.kind === "dense" || l.kind === "conv2d");
  if (layers.length !== nodes.length) {
    fail("BAD_ARGUMENT", `--init-from ${file} has ${layers.length} dense/conv layers, the architecture '${arch.spec}' has ${nodes.length}`);
  }
  const affine: AffineParams[] = nodes.map((node, i) => {
    const l = layers[i]!;
    const same = node.kind === "dense"
      ? l.kind === "dense" && l.inSize === node.inSize && l.outSize === node.outSize
      : l.kind === "conv2d" && l.inChannels === node.inChannels && l.outChannels === node.outChannels && l.kernel[0] === node.kernel[0] && l.kernel[1] === node.kernel[1];
    if (!same) {
      const got = l.kind === "dense" ? `dense ${l.inSize}→${l.outSize}` : l.kind === "conv2d" ? `conv ${l.inChannels}→${l.outChannels} ${l.kernel.join("×")}` : "another kind";
      const want = node.kind === "dense" ? `dense ${node.inSize}→${node.outSize}` : `conv ${node.inChannels}→${node.outChannels} ${node.kernel.join("×")}`;
      fail("BAD_ARGUMENT", `--init-from ${file}: layer ${i + 1} (${l.name}) is ${got}, the architecture needs ${want}`);
    }
    return { weight: Float64Array.from((l as { weight: Float64Array }).weight), bias: Float64Array.from((l as { bias: Float64Array }).bias) };
  });
  return { affine, norm: freshNorms(arch) };
}
