// The import's intermediate form: netsize layers plus a few element-wise "pseudo" ops (erf, a
// product of two tensors) that only exist until they are recognised as part of an activation.
import { NetsizeError, fail } from "../errors.js";
import { LayerSpec, Op, Shape, inferShape } from "../network.js";
import { checkValues, NETWORK_LIMITS, NetworkLimits } from "./limits.js";

/** An element-wise operation with no netsize layer of its own; must be fused away before the end. */
export type PseudoOp = { kind: "erf" } | { kind: "mul2" } | { kind: "div2" } | { kind: "log" };

/** What an IR node computes. */
export type IrOp = Op | PseudoOp;

/** One node of the intermediate graph; inputs are node ids, -1 = network input. */
export interface IrNode {
  op: IrOp;
  inputs: number[];
  name: string;
  shape: Shape;
  /** The netsize layer this node was exported from (netsize-written files only); nodes fold only within a group. */
  group?: number;
  /** The ONNX node it came from (for messages). */
  source: string;
  dead?: boolean;
}

/** True for the pseudo ops. */
export function isPseudo(op: IrOp): op is PseudoOp {
  return op.kind === "erf" || op.kind === "mul2" || op.kind === "div2" || op.kind === "log";
}

/** The intermediate graph being built from ONNX nodes, in topological order. */
export class Ir {
  readonly nodes: IrNode[] = [];

  constructor(readonly inputShape: Shape, readonly file?: string, readonly limits: NetworkLimits = NETWORK_LIMITS) {}

  /** Shape of node `id` (-1 = input). */
  shapeOf(id: number): Shape {
    return id === -1 ? this.inputShape : this.nodes[id]!.shape;
  }

  /** Append a node, inferring (and checking) its shape. */
  add(op: IrOp, inputs: number[], name: string, source: string, group?: number): number {
    const ins = inputs.map((i) => this.shapeOf(i));
    let shape: Shape;
    try {
      shape = isPseudo(op) ? ins[0]! : inferShape(op, ins, name);
      if ((op.kind === "mul2" || op.kind === "div2") && ins[1]!.join(",") !== ins[0]!.join(",")) {
        fail("SHAPE_MISMATCH", `product of [${ins[0]!.join(",")}] and [${ins[1]!.join(",")}]`, { node: name });
      }
      // Before any layer of this size exists: its buffers are allocated per sample by every lens.
      checkValues("its output", shape, this.limits);
    } catch (e) {
      throw withFile(e, this.file, source);
    }
    this.nodes.push({ op, inputs, name, shape, source, ...(group !== undefined ? { group } : {}) });
    return this.nodes.length - 1;
  }

  /** Live consumers of node `id`. */
  consumers(id: number): number[] {
    const out: number[] = [];
    this.nodes.forEach((n, j) => {
      if (!n.dead && n.inputs.includes(id)) out.push(j);
    });
    return out;
  }

  /** Mark every node that does not feed `output` as dead. */
  prune(output: number): void {
    const live = new Set<number>();
    const stack = [output];
    while (stack.length) {
      const id = stack.pop()!;
      if (id < 0 || live.has(id)) continue;
      live.add(id);
      stack.push(...this.nodes[id]!.inputs);
    }
    this.nodes.forEach((n, j) => {
      if (!live.has(j)) n.dead = true;
    });
  }

  /** Live nodes as layer specs with renumbered inputs; fails on a pseudo op left over. */
  toSpecs(output: number): LayerSpec[] {
    this.prune(output);
    const index = new Map<number, number>([[-1, -1]]);
    const specs: LayerSpec[] = [];
    this.nodes.forEach((n, j) => {
      if (n.dead) return;
      if (isPseudo(n.op)) {
        const what = { erf: "Erf", mul2: "a product of two tensors (Mul)", div2: "a quotient of two tensors (Div)", log: "Log of a computed tensor" }[n.op.kind];
        fail("UNSUPPORTED_OP", `${what} is only supported inside an activation netsize recognises (gelu, silu, mish, xtanh, x2tanh, hardswish, softsign, logsigmoid); PyTorch writes these for nn.GELU, nn.SiLU, nn.Mish, nn.Hardswish, nn.Softsign, nn.LogSigmoid`, { file: this.file, node: n.source });
      }
      index.set(j, specs.length);
      specs.push({ ...n.op, name: n.name, inputs: n.inputs.map((i) => index.get(i)!) } as LayerSpec);
    });
    return specs;
  }
}

/** Attach the file (and node) to a NetsizeError raised without them; other errors pass through. */
export function withFile(e: unknown, file: string | undefined, node: string): unknown {
  if (!(e instanceof NetsizeError) || e.file || !file) return e;
  return new NetsizeError(e.code, e.detail, { file, node: e.node ?? node }, e.partial);
}
