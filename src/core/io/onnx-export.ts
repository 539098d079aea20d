// Network → ONNX (opset 13, dynamic batch axis "batch"). Each layer becomes one node or a small
// subgraph; metadata records which nodes belong to which layer so reading the file back gives
// the same network. The input keeps the network's per-sample layout and, when it came from ONNX,
// its original input/output names (meta.onnx); a model that had no batch axis (VNN-COMP's [1]
// test nets) gains one, since batched use needs it.
import onnxp from "onnx-proto";
import { Layer, Network } from "../network.js";
import { unitLayerIndices } from "../summary.js";
import { outputTransformOf, transformOp } from "../output-transform.js";
import { stringifyExact } from "./json.js";
import { LayerRecord, NETSIZE_LAYERS, NETSIZE_META, optionalParams } from "./onnx-meta.js";

const { onnx } = onnxp;

/** The opset netsize writes. */
export const EXPORT_OPSET = 13;

interface OnnxLayout {
  inputName?: string;
  outputName?: string;
}

function layoutOf(net: Network): Required<OnnxLayout> {
  const o = (net.meta.onnx ?? {}) as OnnxLayout;
  const inputName = typeof o.inputName === "string" && o.inputName ? o.inputName : "input";
  let outputName = typeof o.outputName === "string" && o.outputName ? o.outputName : "output";
  if (outputName === inputName) outputName += "_out";
  return { inputName, outputName };
}

class GraphBuilder {
  readonly nodes: onnxp.onnx.INodeProto[] = [];
  readonly inits: onnxp.onnx.ITensorProto[] = [];
  private readonly used = new Set<string>();

  constructor(readonly elemType: number) {}

  /** A float initializer in the export precision. */
  floats(name: string, dims: number[], data: ArrayLike<number>): string {
    const arr = this.elemType === 11 ? Float64Array.from(data) : Float32Array.from(data);
    this.inits.push({ name, dims, dataType: this.elemType, rawData: new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength) });
    return name;
  }

  /** An int64 initializer. */
  ints(name: string, data: number[]): string {
    const arr = BigInt64Array.from(data.map((v) => BigInt(v)));
    this.inits.push({ name, dims: [data.length], dataType: 7, rawData: new Uint8Array(arr.buffer) });
    return name;
  }

  node(opType: string, inputs: string[], output: string, name: string, attrs: onnxp.onnx.IAttributeProto[] = []): string {
    let unique = name;
    for (let k = 2; this.used.has(unique); k++) unique = `${name}#${k}`;
    this.used.add(unique);
    this.nodes.push({ opType, input: inputs, output: [output], name: unique, attribute: attrs });
    return output;
  }
}

const INT = onnx.AttributeProto.AttributeType.INT, INTS = onnx.AttributeProto.AttributeType.INTS;
const FLOAT = onnx.AttributeProto.AttributeType.FLOAT;
const ints = (name: string, v: readonly number[]): onnxp.onnx.IAttributeProto => ({ name, type: INTS, ints: [...v] });
const int = (name: string, v: number): onnxp.onnx.IAttributeProto => ({ name, type: INT, i: v });
const float = (name: string, v: number): onnxp.onnx.IAttributeProto => ({ name, type: FLOAT, f: v });

/** Emit the nodes of one layer; returns how many nodes it took. */
function emitLayer(b: GraphBuilder, layer: Layer, i: number, ins: string[], out: string, inShape: readonly number[]): number {
  const before = b.nodes.length;
  const n = layer.name;
  const p = `l${i}`; // initializer prefix
  const x = ins[0]!;
  const tmp = (s: string): string => `${p}/${s}`;
  switch (layer.kind) {
    case "dense":
      b.node("Gemm", [x, b.floats(`${p}.weight`, [layer.outSize, layer.inSize], layer.weight), b.floats(`${p}.bias`, [layer.outSize], layer.bias)], out, n, [int("transB", 1)]);
      break;
    case "conv2d":
      b.node("Conv", [x, b.floats(`${p}.weight`, [layer.outChannels, layer.inChannels, ...layer.kernel], layer.weight), b.floats(`${p}.bias`, [layer.outChannels], layer.bias)], out, n, [
        ints("kernel_shape", layer.kernel), ints("strides", layer.stride), ints("pads", layer.pads), ints("dilations", layer.dilation), int("group", 1),
      ]);
      break;
    case "scale": {
      // Per-channel constants get one more (leading) axis than per-element ones; the reader relies on it.
      const dims = layer.perChannel ? [1, inShape[0]!, ...inShape.slice(1).map(() => 1)] : [...inShape];
      const m = b.node("Mul", [x, b.floats(`${p}.scale`, dims, layer.scale)], tmp("mul"), `${n}/mul`);
      b.node("Add", [m, b.floats(`${p}.shift`, dims, layer.shift)], out, n);
      break;
    }
    case "activation":
      emitActivation(b, layer as Layer & { kind: "activation" }, x, out, p);
      break;
    case "flatten":
      b.node("Flatten", [x], out, n, [int("axis", 1)]);
      break;
    case "reshape":
      b.node("Reshape", [x, b.ints(`${p}.shape`, [-1, ...layer.shape])], out, n);
      break;
    case "pad":
      b.node("Pad", [x, b.ints(`${p}.pads`, [0, 0, layer.pads[0], layer.pads[1], 0, 0, layer.pads[2], layer.pads[3]]), b.floats(`${p}.value`, [], [layer.value])], out, n, [
        { name: "mode", type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode("constant") },
      ]);
      break;
    case "maxpool":
    case "avgpool": {
      const attrs = [ints("kernel_shape", layer.kernel), ints("strides", layer.stride), ints("pads", layer.pads)];
      if (layer.kind === "avgpool") attrs.push(int("count_include_pad", layer.countIncludePad ? 1 : 0));
      b.node(layer.kind === "maxpool" ? "MaxPool" : "AveragePool", [x], out, n, attrs);
      break;
    }
    case "add":
      b.node("Add", ins, out, n);
      break;
  }
  return b.nodes.length - before;
}

function emitActivation(b: GraphBuilder, layer: Layer & { kind: "activation" }, x: string, out: string, p: string): void {
  const n = layer.name;
  const tmp = (s: string): string => `${p}/${s}`;
  const single: Record<string, string> = { relu: "Relu", abs: "Abs", tanh: "Tanh", sigmoid: "Sigmoid", softplus: "Softplus", identity: "Identity" };
  if (single[layer.fn]) {
    b.node(single[layer.fn]!, [x], out, n);
    return;
  }
  switch (layer.fn) {
    case "leakyrelu":
      // PRelu takes its slope as a tensor, so float64 files keep it exactly (LeakyRelu's alpha is a float32 attribute).
      b.node("PRelu", [x, b.floats(`${p}.slope`, [1], [layer.alpha ?? 0.01])], out, n);
      return;
    case "elu":
      b.node("Elu", [x], out, n, [float("alpha", layer.alpha ?? 1)]);
      return;
    case "hardtanh":
      b.node("Clip", [x, b.floats(`${p}.min`, [], [layer.min ?? -1]), b.floats(`${p}.max`, [], [layer.max ?? 1])], out, n);
      return;
    case "silu":
      b.node("Mul", [x, b.node("Sigmoid", [x], tmp("sigmoid"), `${n}/sigmoid`)], out, n);
      return;
    case "xtanh":
      b.node("Mul", [x, b.node("Tanh", [x], tmp("tanh"), `${n}/tanh`)], out, n);
      return;
    case "x2tanh": {
      const sq = b.node("Mul", [x, x], tmp("square"), `${n}/square`);
      b.node("Mul", [sq, b.node("Tanh", [x], tmp("tanh"), `${n}/tanh`)], out, n);
      return;
    }
    case "mish": {
      const sp = b.node("Softplus", [x], tmp("softplus"), `${n}/softplus`);
      b.node("Mul", [x, b.node("Tanh", [sp], tmp("tanh"), `${n}/tanh`)], out, n);
      return;
    }
    case "hardswish": {
      // x · clip(x/6 + 1/2, 0, 1): ops with float64 kernels in onnxruntime (its HardSwish/HardSigmoid have none).
      const s = b.node("Mul", [x, b.floats(`${p}.sixth`, [], [1 / 6])], tmp("scale"), `${n}/scale`);
      const a = b.node("Add", [s, b.floats(`${p}.half`, [], [0.5])], tmp("shift"), `${n}/shift`);
      const c = b.node("Clip", [a, b.floats(`${p}.zero`, [], [0]), b.floats(`${p}.one`, [], [1])], tmp("clip"), `${n}/clip`);
      b.node("Mul", [x, c], out, n);
      return;
    }
    case "softsign": {
      // x / (1 + |x|) (onnxruntime's Softsign has no float64 kernel).
      const a = b.node("Abs", [x], tmp("abs"), `${n}/abs`);
      const d = b.node("Add", [a, b.floats(`${p}.one`, [], [1])], tmp("denom"), `${n}/denom`);
      b.node("Div", [x, d], out, n);
      return;
    }
    case "logsigmoid":
      b.node("Log", [b.node("Sigmoid", [x], tmp("sigmoid"), `${n}/sigmoid`)], out, n);
      return;
    case "gelu": {
      // PyTorch's pattern: x · (1 + erf(x / √2)) · 0.5.
      const d = b.node("Div", [x, b.floats(`${p}.sqrt2`, [], [Math.SQRT2])], tmp("div"), `${n}/div`);
      const e = b.node("Erf", [d], tmp("erf"), `${n}/erf`);
      const a = b.node("Add", [e, b.floats(`${p}.one`, [], [1])], tmp("add"), `${n}/add`);
      const m = b.node("Mul", [x, a], tmp("mul"), `${n}/mul`);
      b.node("Mul", [m, b.floats(`${p}.half`, [], [0.5])], out, n);
      return;
    }
  }
}

function valueInfo(name: string, elemType: number, shape: readonly number[]): onnxp.onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: [{ dimParam: "batch" }, ...shape.map((d) => ({ dimValue: d }))] } } },
  };
}

/** Encode a network as ONNX bytes (see networkToOnnx in io/index.ts). */
export function exportOnnx(net: Network, opts: { float?: 32 | 64; unitOutputs?: boolean; logits?: boolean } = {}): Uint8Array {
  const elemType = opts.float === 64 ? 11 : 1;
  const b = new GraphBuilder(elemType);
  const { inputName, outputName } = layoutOf(net);
  const last = net.layers.length - 1;
  // A recorded output transform (final Softmax/LogSoftmax/Sigmoid) is written after the last layer, unless the logits are asked for.
  const transform = opts.logits ? undefined : outputTransformOf(net);
  const lastName = transform ? `${outputName}:logits` : outputName;
  const tensor = (i: number): string => (i === -1 ? inputName : i === last ? lastName : `l${i}:${net.layers[i]!.name}`);
  const shapeOf = (i: number): readonly number[] => (i === -1 ? net.inputShape : net.layers[i]!.shape);
  const records: LayerRecord[] = net.layers.map((layer, i) => {
    const nodes = emitLayer(b, layer, i, layer.inputs.map(tensor), tensor(i), shapeOf(layer.inputs[0]!));
    const params = optionalParams(layer);
    return { name: layer.name, nodes, ...(params ? { params } : {}) };
  });
  if (transform) {
    const attrs = transform.kind === "sigmoid" ? [] : [{ name: "axis", type: INT, i: -1 }];
    b.node(transformOp(transform.kind), [lastName], outputName, `output/${transform.op}`, attrs);
  }
  const outputs = [valueInfo(outputName, elemType, net.layers[last]!.shape)];
  if (opts.unitOutputs) {
    for (const i of unitLayerIndices(net)) {
      const src = net.layers[i]!.inputs[0]!;
      b.node("Identity", [tensor(src)], `pre_${i}`, `pre_${i}`);
      outputs.push(valueInfo(`pre_${i}`, elemType, shapeOf(src)));
    }
  }
  let metaJson: string | undefined;
  try {
    metaJson = stringifyExact(net.meta);
  } catch {
    metaJson = undefined;
  }
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "netsize",
    producerVersion: "0.1.0",
    opsetImport: [{ domain: "", version: EXPORT_OPSET }],
    metadataProps: [{ key: NETSIZE_LAYERS, value: stringifyExact(records) }, ...(metaJson ? [{ key: NETSIZE_META, value: metaJson }] : [])],
    graph: {
      name: "netsize",
      node: b.nodes,
      initializer: b.inits,
      input: [valueInfo(inputName, elemType, net.inputShape)],
      output: outputs,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
