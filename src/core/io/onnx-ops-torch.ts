// What PyTorch exports beyond the basic layers: nn.Hardsigmoid, nn.Hardswish, nn.Softsign, nn.SELU,
// nn.CELU, nn.Softshrink (ONNX Shrink), F.logsigmoid (Log of a Sigmoid), per-channel nn.PReLU,
// torch.maximum(x, a·x), nn.Conv1d and grouped / depthwise nn.Conv2d — each read exactly as netsize
// layers (piecewise-linear ones stay piecewise linear) — and, for what netsize cannot represent, an
// UNSUPPORTED_OP that names the PyTorch layer most likely behind the ONNX pattern.
import { ActivationName } from "../activations.js";
import { ActivationOp } from "../network.js";
import { fuseElementwise } from "./fuse.js";
import { DynValue, NodeCtx, Value, fromFloat32 } from "./onnx-context.js";
import { affine, scalar } from "./onnx-ops-linear.js";
import { Tensor } from "./onnx-tensor.js";

function act(c: NodeCtx, x: DynValue, fn: ActivationName, params: Omit<ActivationOp, "kind" | "fn"> = {}, suffix = ""): DynValue {
  return fuseElementwise(c, c.emit({ kind: "activation", fn, ...params }, [x.id], suffix));
}

/** HardSigmoid (nn.Hardsigmoid: α = 1/6, β = 1/2): max(0, min(1, αx + β)) = a scale, then hard tanh on [0, 1]. */
export function hardSigmoid(c: NodeCtx): Value[] {
  const x = c.dyn(0);
  const alpha = fromFloat32(c.attrs.float("alpha", 0.2)), beta = fromFloat32(c.attrs.float("beta", 0.5));
  // nn.Hardsigmoid exports alpha = 1/6 as a float32; 0.16666667 is that float32 read as a decimal, 1/6 is what was meant.
  const a = Math.fround(alpha) === Math.fround(1 / 6) ? 1 / 6 : alpha;
  const s = affine(c, x, scalar(a), scalar(beta), "/affine");
  return [act(c, s, "hardtanh", { min: 0, max: 1 })];
}

/** HardSwish (opset 14; nn.Hardswish): x·relu6(x + 3)/6. */
export function hardSwish(c: NodeCtx): Value[] {
  return [act(c, c.dyn(0), "hardswish")];
}

/** Softsign (nn.Softsign): x / (1 + |x|). */
export function softsign(c: NodeCtx): Value[] {
  return [act(c, c.dyn(0), "softsign")];
}

/** Selu (nn.SELU): γ·elu_α(x), an ELU and a scale. */
export function selu(c: NodeCtx): Value[] {
  // The attributes are float32: when they round to SELU's constants, use the float64 constants PyTorch computes with.
  const A = 1.6732632423543772, G = 1.0507009873554805;
  const a32 = c.attrs.float("alpha", A), g32 = c.attrs.float("gamma", G);
  const alpha = Math.fround(a32) === Math.fround(A) ? A : a32, gamma = Math.fround(g32) === Math.fround(G) ? G : g32;
  const e = act(c, c.dyn(0), "elu", { alpha }, "/elu");
  return [affine(c, e, scalar(gamma))];
}

/** Celu (nn.CELU): max(0, x) + min(0, α(exp(x/α) − 1)) = α·elu₁(x/α). */
export function celu(c: NodeCtx): Value[] {
  const alpha = fromFloat32(c.attrs.float("alpha", 1));
  if (!(alpha > 0)) c.fail("BAD_WEIGHTS", `Celu alpha ${alpha} must be positive`);
  const x = alpha === 1 ? c.dyn(0) : affine(c, c.dyn(0), scalar(1 / alpha), undefined, "/in");
  const e = act(c, x, "elu", { alpha: 1 }, "/elu");
  return [alpha === 1 ? e : affine(c, e, scalar(alpha))];
}

/**
 * Shrink: bias = λ is nn.Softshrink(λ) = x − hardtanh(x; −λ, λ), a residual sum (piecewise linear, exact);
 * bias 0 is nn.Hardshrink, which jumps at ±λ: netsize's lenses need continuous activations.
 */
export function shrink(c: NodeCtx): Value[] {
  const x = c.dyn(0);
  const lambd = fromFloat32(c.attrs.float("lambd", 0.5)), bias = fromFloat32(c.attrs.float("bias", 0));
  if (bias === 0 && lambd > 0) c.fail("UNSUPPORTED_OP", `Shrink with bias 0 (PyTorch's nn.Hardshrink(${lambd})) is discontinuous at ±${lambd}; netsize's lenses need continuous activations — use nn.Softshrink or nn.Hardtanh`);
  if (bias !== lambd || !(lambd >= 0)) c.fail("UNSUPPORTED_OP", `Shrink with lambd ${lambd} and bias ${bias}; netsize reads nn.Softshrink (bias = lambd)`);
  const h = act(c, x, "hardtanh", { min: -lambd, max: lambd }, "/clip");
  const neg = affine(c, h, scalar(-1), undefined, "/neg");
  return [c.emit({ kind: "add" }, [x.id, neg.id])];
}

/** Log of a computed tensor: only inside an activation (F.logsigmoid is Log(Sigmoid(x))). */
export function logOp(c: NodeCtx): Value[] {
  const v = c.need(0);
  if (v.kind === "const") return [{ kind: "const", t: { dims: v.t.dims, data: v.t.data.map(Math.log) } }];
  return [fuseElementwise(c, c.emit({ kind: "log" }, [v.id]))];
}

/**
 * Per-channel PReLU (nn.PReLU(num_parameters=C)): y = α_c·x + (1 − α_c)·relu(x), exactly; the
 * caller has handled one shared slope (a leaky ReLU).
 */
export function preluPerChannel(c: NodeCtx, x: DynValue, slope: Tensor): DynValue {
  const r = act(c, x, "relu", {}, "/relu");
  const a = affine(c, x, slope, undefined, "/slope");
  const oneMinus: Tensor = { dims: slope.dims, data: slope.data.map((s) => 1 - s) };
  const b = affine(c, r, oneMinus, undefined, "/rest");
  return c.emit({ kind: "add" }, [a.id, b.id]);
}

/** torch.maximum(x, a·x): a leaky ReLU with slope a (a ≤ 1), or a·leaky(x; 1/a) (a > 1); undefined when the pair is not of that form. */
export function maxOfScaled(c: NodeCtx, p: DynValue, q: DynValue): DynValue | undefined {
  const nodes = c.state.ir.nodes;
  for (const [x, y] of [[p, q], [q, p]] as const) {
    const n = y.id >= 0 ? nodes[y.id] : undefined;
    if (!n || n.op.kind !== "scale" || n.inputs[0] !== x.id) continue;
    const s = n.op.scale, t = n.op.shift;
    if (!s.every((v) => v === s[0]) || !t.every((v) => v === 0)) continue;
    const a = s[0]!;
    if (!(a >= 0)) continue;
    if (a === 1) return x;
    if (a < 1) return act(c, x, "leakyrelu", { alpha: a });
    const l = act(c, x, "leakyrelu", { alpha: 1 / a }, "/leaky");
    return affine(c, l, scalar(a));
  }
  return undefined;
}

/** The PyTorch layers behind ONNX ops netsize cannot read, for UNSUPPORTED_OP messages. */
export const TORCH_LAYER_OF: Record<string, string> = {
  ConvTranspose: "nn.ConvTranspose2d (a transposed convolution)",
  Resize: "nn.Upsample / F.interpolate",
  Upsample: "nn.Upsample / F.interpolate",
  LayerNormalization: "nn.LayerNorm (it divides by each sample's own statistics)",
  InstanceNormalization: "nn.InstanceNorm2d (it divides by each sample's own statistics)",
  GroupNormalization: "nn.GroupNorm (it divides by each sample's own statistics)",
  ReduceMean: "a mean over features — nn.LayerNorm exported at opset < 17, or x.mean(dim)",
  ReduceSum: "a sum over features (x.sum(dim))",
  ReduceMax: "a maximum over features (x.amax(dim))",
  Pow: "x ** p (or nn.LayerNorm exported at opset < 17)",
  Where: "torch.where (PyTorch writes it for nn.Hardshrink, nn.Softshrink and masks)",
  Greater: "a comparison (x > a), e.g. inside torch.where or nn.Hardshrink",
  Less: "a comparison (x < a), e.g. inside torch.where or nn.Softshrink",
  Split: "torch.split / torch.chunk",
  Hardmax: "a one-hot argmax",
  TopK: "torch.topk",
  LSTM: "nn.LSTM", GRU: "nn.GRU", RNN: "nn.RNN",
  Attention: "nn.MultiheadAttention", MatMulInteger: "a quantised model", QuantizeLinear: "a quantised model", DequantizeLinear: "a quantised model",
};

/** The message for a Concat/Slice/Gather/Transpose of a computed tensor, naming what PyTorch wrote. */
export function dynamicShapeOp(c: NodeCtx): never {
  const what: Record<string, string> = {
    Concat: "torch.cat of branches (e.g. Inception, DenseNet or U-Net skips)",
    Slice: "tensor slicing x[..., a:b] (PyTorch also writes nn.ReflectionPad2d / nn.ReplicationPad2d as Slice and Concat at some opsets)",
    Gather: "indexing a tensor with x[:, i] or torch.index_select",
    Transpose: "Tensor.permute / transpose between layers (netsize keeps channel-first C×H×W tensors)",
  };
  return c.fail("UNSUPPORTED_OP", `${c.op} of a computed tensor — PyTorch's ${what[c.op] ?? c.op}; netsize reads ${c.op} of constants only: move it out of the model's forward, or export the part before it`);
}
