// fast-check generators of small networks for the round-trip properties.
import fc from "fast-check";
import { ActivationName } from "../../src/core/activations.js";
import { LayerSpec, Network, createNetwork } from "../../src/core/network.js";
import { randn } from "./nets.js";

/** Every registered activation. */
export const ALL_ACTIVATIONS: ActivationName[] = ["relu", "leakyrelu", "abs", "hardtanh", "identity", "tanh", "sigmoid", "softplus", "gelu", "silu", "mish", "xtanh", "x2tanh", "elu"];

const weight = fc.double({ noNaN: true, noDefaultInfinity: true });
const floats = (n: number): fc.Arbitrary<Float64Array> => fc.array(weight, { minLength: n, maxLength: n }).map((a) => Float64Array.from(a));

/** Activation layer fields, with optional parameters present or absent. */
type ActFields = { fn: ActivationName; alpha?: number; min?: number; max?: number };
export const arbActivation: fc.Arbitrary<ActFields> = fc
  .constantFrom(...ALL_ACTIVATIONS)
  .chain((fn): fc.Arbitrary<ActFields> => {
    if (fn === "leakyrelu" || fn === "elu") return fc.option(fc.double({ min: -2, max: 2, noNaN: true }), { nil: undefined }).map((alpha) => ({ fn, ...(alpha !== undefined ? { alpha } : {}) }));
    if (fn === "hardtanh") {
      return fc.option(fc.tuple(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true })), { nil: undefined })
        .map((p) => ({ fn, ...(p ? { min: Math.min(...p), max: Math.max(...p) } : {}) }));
    }
    return fc.constant({ fn });
  });

const arbMeta = fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => k !== "__proto__"), fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean()), { maxKeys: 3 }).map((d) => ({ ...d }));

/** Random MLPs: widths 1-5, any activation per layer, arbitrary finite weights (including -0 and subnormals), random names and meta. */
export function arbMlp(): fc.Arbitrary<Network> {
  return fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 5 }).chain((widths) => {
    const layers = widths.slice(1).map((out, l) => fc.record({
      weight: floats(out * widths[l]!), bias: floats(out), act: arbActivation, name: fc.option(fc.string({ maxLength: 5 }), { nil: undefined }),
    }));
    return fc.tuple(fc.tuple(...layers), arbMeta).map(([ls, meta]) => {
      const specs: LayerSpec[] = [];
      ls.forEach((l, i) => {
        specs.push({ kind: "dense", inSize: widths[i]!, outSize: widths[i + 1]!, weight: l.weight, bias: l.bias, ...(l.name !== undefined ? { name: l.name } : {}) });
        if (i < ls.length - 1) specs.push({ kind: "activation", ...l.act });
      });
      return createNetwork([widths[0]!], specs, meta);
    });
  });
}

/** Random small conv nets: normalisation scale, conv, activation, optional residual block, max/avg pool, optional pad, flatten/reshape, dense. */
export function arbConvNet(): fc.Arbitrary<Network> {
  return fc.record({
    c: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 4, max: 7 }), w: fc.integer({ min: 4, max: 7 }),
    o: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 2 }),
    pads: fc.tuple(fc.nat(1), fc.nat(1), fc.nat(1), fc.nat(1)), dil: fc.integer({ min: 1, max: 2 }),
    perChannel: fc.boolean(), act: arbActivation, residual: fc.boolean(), pool: fc.constantFrom("maxpool", "avgpool", "none"),
    poolStride: fc.integer({ min: 1, max: 2 }), poolPad: fc.nat(1), countIncludePad: fc.option(fc.boolean(), { nil: undefined }),
    pad: fc.option(fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2), fc.double({ min: -1, max: 1, noNaN: true })), { nil: undefined }),
    reshape: fc.boolean(), out: fc.integer({ min: 1, max: 3 }), seed: fc.nat(1000),
  }).map((p) => {
    const r = (n: number, k: number): Float64Array => randn(n, p.seed * 31 + k);
    const specs: LayerSpec[] = [];
    const nScale = p.perChannel ? p.c : p.c * p.h * p.w;
    specs.push({ kind: "scale", perChannel: p.perChannel, scale: r(nScale, 1), shift: r(nScale, 2) });
    specs.push({ kind: "conv2d", inChannels: p.c, outChannels: p.o, kernel: [p.k, 3 - (p.k % 2)], stride: [p.s, 1], pads: p.pads, dilation: [1, p.dil], weight: r(p.o * p.c * p.k * (3 - (p.k % 2)), 3), bias: r(p.o, 4) });
    specs.push({ kind: "activation", ...p.act });
    if (p.residual) {
      const i = specs.length - 1;
      specs.push({ kind: "conv2d", inChannels: p.o, outChannels: p.o, kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], dilation: [1, 1], weight: r(p.o * p.o * 9, 5), bias: r(p.o, 6) });
      specs.push({ kind: "add", inputs: [i + 1, i] });
    }
    if (p.pool !== "none") {
      const pp: [number, number, number, number] = [p.poolPad, 0, 0, p.poolPad];
      specs.push(p.pool === "maxpool"
        ? { kind: "maxpool", kernel: [2, 2], stride: [p.poolStride, p.poolStride], pads: pp }
        : { kind: "avgpool", kernel: [2, 2], stride: [p.poolStride, p.poolStride], pads: pp, ...(p.countIncludePad !== undefined ? { countIncludePad: p.countIncludePad } : {}) });
    }
    if (p.pad) specs.push({ kind: "pad", pads: [p.pad[0], p.pad[1], p.pad[2], p.pad[3]], value: p.pad[4] });
    try {
      const body = createNetwork([p.c, p.h, p.w], specs);
      const shape = body.layers[body.layers.length - 1]!.shape;
      const n = shape[0]! * shape[1]! * shape[2]!;
      specs.push(p.reshape ? { kind: "reshape", shape: [shape[0]!, shape[1]! * shape[2]!] } : { kind: "flatten" });
      if (p.reshape) specs.push({ kind: "flatten" });
      specs.push({ kind: "dense", inSize: n, outSize: p.out, weight: r(n * p.out, 7), bias: r(p.out, 8) });
      return createNetwork([p.c, p.h, p.w], specs, { seed: p.seed });
    } catch {
      return undefined;
    }
  }).filter((n): n is Network => n !== undefined);
}
