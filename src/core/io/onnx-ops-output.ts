// A final Softmax / LogSoftmax / Sigmoid: read as the network's output transform (meta.outputTransform),
// not as a layer, so the exact lenses measure the logits before it (see core/output-transform.ts).
import { OutputTransformKind } from "../output-transform.js";
import { NodeCtx, Value } from "./onnx-context.js";

const KIND: Record<string, OutputTransformKind> = { Softmax: "softmax", LogSoftmax: "logsoftmax", Sigmoid: "sigmoid" };

/** Whether this node computes the graph's output and nothing else reads its result. */
export function isTerminal(c: NodeCtx): boolean {
  const out = c.node.output?.[0];
  return c.group === undefined && !!out && out === c.state.outputName && (c.state.consumers.get(out) ?? 0) === 0;
}

/** Softmax / LogSoftmax (terminal only), or a terminal Sigmoid: record the transform and pass the logits on. */
export function outputTransform(c: NodeCtx): Value[] {
  const kind = KIND[c.op]!;
  const v = c.need(0);
  const layer = c.op === "Sigmoid" ? "nn.Sigmoid" : `nn.${c.op}(dim=-1)`;
  if (v.kind !== "dyn") c.fail("UNSUPPORTED_OP", `${c.op} of a constant`);
  if (!isTerminal(c)) {
    c.fail("UNSUPPORTED_OP", `${c.op} inside the network (PyTorch's ${layer} or F.${c.op.toLowerCase()} before other layers, as in attention); netsize reads ${c.op} only as the model's final layer — export the model up to the logits, or end it with ${layer}`);
  }
  if (kind !== "sigmoid") {
    const axis = c.attrs.int("axis", c.state.opset >= 13 ? -1 : 1);
    const s = c.sampleAxis(v, axis);
    const spread = v.shape.filter((d, i) => i !== s && d !== 1).length;
    // opset < 13 coerces the input to 2-D at `axis`: over a per-sample vector that is the same softmax.
    if (s !== v.shape.length - 1 || spread > 0) {
      c.fail("UNSUPPORTED_OP", `${c.op} over axis ${axis} of a [${v.shape.join(",")}] tensor; netsize reads a final ${c.op} over the class axis of a flat output (${layer} after a Linear layer)`);
    }
  }
  if (c.state.outputTransform) c.fail("UNSUPPORTED_OP", `a second output transform (${c.op} after ${c.state.outputTransform})`);
  c.state.outputTransform = kind;
  return [v];
}
