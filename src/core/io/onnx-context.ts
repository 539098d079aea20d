// What an op converter sees: the node, its inputs as values (constants or tensors computed by
// the network), and helpers that name the node in every error.
import onnxp from "onnx-proto";
import { ErrorCode, fail, printable } from "../errors.js";
import { IrOp, Ir } from "./ir.js";
import { Attributes, ExternalDataReader, Tensor } from "./onnx-tensor.js";
import { Shape } from "../network.js";
import type { OutputTransformKind } from "../output-transform.js";

type NodeProto = onnxp.onnx.INodeProto;

/** A tensor computed by the network: IR node `id` (-1 = input), per-sample shape (no batch axis). */
export interface DynValue {
  kind: "dyn";
  id: number;
  shape: Shape;
}

/** A constant known at import time. */
export interface ConstValue {
  kind: "const";
  t: Tensor;
}

/** A value flowing along an ONNX edge. */
export type Value = DynValue | ConstValue;

/** Shared state of one import. */
export interface ImportState {
  ir: Ir;
  /** True when ONNX tensors carry a leading batch axis the network model leaves out. */
  batched: boolean;
  file?: string;
  /** Reads external tensor data (absent: external data is an error). */
  readExternal?: ExternalDataReader;
  opset: number;
  values: Map<string, Value>;
  /** The graph output's name, and how many node inputs read each value (a final Softmax must have no reader). */
  outputName: string;
  consumers: Map<string, number>;
  /** A final Softmax / LogSoftmax / Sigmoid read as the output transform. */
  outputTransform?: OutputTransformKind;
}

/** The node being converted and its helpers. */
export class NodeCtx {
  readonly attrs: Attributes;
  readonly op: string;
  /** ONNX node name, or "<OpType>_<index>" when it has none; used as the layer name. */
  readonly name: string;

  constructor(
    readonly state: ImportState,
    readonly node: NodeProto,
    readonly index: number,
    readonly group?: number,
  ) {
    this.op = node.opType ?? "";
    this.name = node.name || `${this.op}_${index}`;
    this.attrs = new Attributes(node.attribute, { file: state.file, node: this.where, ...(state.readExternal ? { readExternal: state.readExternal } : {}) });
  }

  /** How messages name this node: "<name> (<OpType>)". */
  get where(): string {
    return this.node.name ? `${this.node.name} (${this.op})` : `#${this.index} (${this.op})`;
  }

  /** Throw a NetsizeError naming file and node. */
  fail(code: ErrorCode, message: string): never {
    fail(code, message, { file: this.state.file, node: this.where });
  }

  /** Input i, or undefined when absent or given as the empty name. */
  input(i: number): Value | undefined {
    const name = this.node.input?.[i];
    if (!name) return undefined;
    const v = this.state.values.get(name);
    if (!v) this.fail("BAD_MODEL", `input '${printable(name)}' is produced by no node, initializer or graph input`);
    return v;
  }

  /** Input i, which must be present. */
  need(i: number): Value {
    const v = this.input(i);
    if (!v) this.fail("BAD_MODEL", `${this.op} needs input ${i + 1}`);
    return v;
  }

  /** Input i, which must be a constant. */
  constant(i: number, what = `input ${i + 1}`): Tensor {
    const v = this.need(i);
    if (v.kind !== "const") this.fail("UNSUPPORTED_OP", `${this.op} needs ${what} to be a constant (initializer or Constant), but it is computed from the network input`);
    return v.t;
  }

  /** Optional constant input i. */
  optConstant(i: number, what?: string): Tensor | undefined {
    return this.input(i) ? this.constant(i, what) : undefined;
  }

  /** Input i, which must be computed from the network input. */
  dyn(i: number): DynValue {
    const v = this.need(i);
    if (v.kind !== "dyn") this.fail("BAD_MODEL", `expected input ${i + 1} of ${this.op} to depend on the network input`);
    return v;
  }

  /** Append an IR node named after this ONNX node and return it as a value. */
  emit(op: IrOp, inputs: number[], suffix = ""): DynValue {
    const id = this.state.ir.add(op, inputs, this.name + suffix, this.where, this.group);
    return { kind: "dyn", id, shape: this.state.ir.nodes[id]!.shape };
  }

  /** Full ONNX rank of a dynamic value (per-sample rank plus the batch axis). */
  rank(v: DynValue): number {
    return v.shape.length + (this.state.batched ? 1 : 0);
  }

  /** Map an ONNX axis of a dynamic value to its per-sample axis; fails on the batch axis. */
  sampleAxis(v: DynValue, axis: number): number {
    const r = this.rank(v);
    const a = axis < 0 ? axis + r : axis;
    if (!Number.isInteger(a) || a < 0 || a >= r) this.fail("BAD_MODEL", `axis ${axis} is out of range for a rank-${r} tensor`);
    const s = a - (this.state.batched ? 1 : 0);
    if (s < 0) this.fail("UNSUPPORTED_OP", `${this.op} over the batch axis; netsize handles per-sample operations only`);
    return s;
  }

  /** ONNX dims of a dynamic value with batch 1 (for Shape). */
  fullDims(v: DynValue): number[] {
    return this.state.batched ? [1, ...v.shape] : [...v.shape];
  }
}

/** A constant value. */
export function constant(dims: number[], data: ArrayLike<number>): ConstValue {
  return { kind: "const", t: { dims, data: Float64Array.from(data) } };
}

/** The shortest decimal that rounds to the same float32: ONNX float attributes are float32, but were written as decimals (0.01, 1e-5). */
export function fromFloat32(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const f = Math.fround(x);
  for (let p = 1; p <= 9; p++) {
    const d = Number(f.toPrecision(p));
    if (Math.fround(d) === f) return d;
  }
  return f;
}
