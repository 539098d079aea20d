// Recognising activations written as small element-wise subgraphs (x·sigmoid(x), x·tanh(x),
// 0.5·x·(1+erf(x/√2)), ...): evaluate the subgraph as a scalar function of its source and
// compare it with the registry's activations on a grid.
import { ActivationName, activations, erf } from "../activations.js";
import { DynValue, NodeCtx } from "./onnx-context.js";
import { IrNode, isPseudo } from "./ir.js";

/** Activations that ONNX exporters (and netsize's own export) write as subgraphs. */
export const FUSED_ACTIVATIONS: readonly ActivationName[] = ["gelu", "silu", "mish", "xtanh", "x2tanh", "hardswish", "softsign", "logsigmoid"];

const GRID = Array.from({ length: 65 }, (_, i) => -8 + i * 0.25);
const MAX_CONE = 16;

function uniform(a: Float64Array): boolean {
  return a.every((v) => v === a[0]);
}

function elementwise(n: IrNode): boolean {
  const op = n.op;
  if (op.kind === "activation" || isPseudo(op)) return true;
  return op.kind === "scale" && uniform(op.scale) && uniform(op.shift);
}

/** Evaluate node `id` as a function of node `x` at value t; NaN when the cone is not a function of x alone. */
function evaluate(nodes: readonly IrNode[], cone: ReadonlySet<number>, id: number, x: number, t: number, memo: Map<number, number>): number {
  if (id === x) return t;
  if (!cone.has(id)) return NaN;
  const hit = memo.get(id);
  if (hit !== undefined) return hit;
  const n = nodes[id]!;
  const ev = (k: number): number => evaluate(nodes, cone, n.inputs[k]!, x, t, memo);
  let v: number;
  switch (n.op.kind) {
    case "scale": v = n.op.scale[0]! * ev(0) + n.op.shift[0]!; break;
    case "activation": v = activations[n.op.fn].output(ev(0), n.op); break;
    case "erf": v = erf(ev(0)); break;
    case "mul2": v = ev(0) * ev(1); break;
    case "div2": v = ev(0) / ev(1); break;
    case "log": v = Math.log(ev(0)); break;
    default: v = NaN;
  }
  memo.set(id, v);
  return v;
}

function matches(f: (t: number) => number, fn: ActivationName): boolean {
  const g = activations[fn];
  return GRID.every((t) => {
    const y = g.output(t, {});
    return Math.abs(f(t) - y) <= 1e-6 * (1 + Math.abs(y));
  });
}

/**
 * If the element-wise cone above `v` contains an Erf or a product of tensors and, as a function
 * of one source tensor, equals a known activation, turn `v` into that activation of the source.
 */
export function fuseElementwise(c: NodeCtx, v: DynValue): DynValue {
  const nodes = c.state.ir.nodes;
  const root = nodes[v.id]!;
  const cone = new Set<number>();
  const stack = [v.id];
  while (stack.length && cone.size <= MAX_CONE) {
    const id = stack.pop()!;
    if (id < 0 || cone.has(id) || !elementwise(nodes[id]!)) continue;
    if (root.group !== undefined && nodes[id]!.group !== root.group) continue;
    cone.add(id);
    stack.push(...nodes[id]!.inputs);
  }
  if (![...cone].some((id) => isPseudo(nodes[id]!.op))) return v;
  const sources = new Set<number>();
  for (const id of cone) {
    if (id !== v.id) sources.add(id);
    for (const i of nodes[id]!.inputs) if (!cone.has(i)) sources.add(i);
  }
  for (const x of [...sources].sort((a, b) => a - b)) {
    const f = (t: number): number => evaluate(nodes, cone, v.id, x, t, new Map());
    if (Number.isNaN(f(0.5))) continue;
    const fn = FUSED_ACTIVATIONS.find((name) => matches(f, name));
    if (fn) {
      root.op = { kind: "activation", fn };
      root.inputs = [x];
      return v;
    }
  }
  return v;
}
