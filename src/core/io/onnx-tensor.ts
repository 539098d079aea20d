// Decoding ONNX tensors and attributes into float64, defensively: sizes are checked against the
// bytes actually present before anything is allocated. External data is read through a callback the
// caller hands in (the Node side reads only beside the model's file); core never touches files.
import onnxp from "onnx-proto";
import { fail, printable } from "../errors.js";

const { onnx } = onnxp;

/** A decoded constant tensor: dims and values in float64 (integer tensors are exact up to 2^53). */
export interface Tensor {
  dims: number[];
  data: Float64Array;
}

/** ONNX element types netsize can read, with their byte size. */
export const ELEM_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8 };

/** Human names of ONNX element types (for messages). */
export const ELEM_NAMES: Record<number, string> = {
  1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string",
  9: "bool", 10: "float16", 11: "float64", 12: "uint32", 13: "uint64", 16: "bfloat16",
};

/** Largest tensor netsize will materialise (elements); far beyond any real model it handles. */
export const MAX_ELEMENTS = 2 ** 28;

/**
 * Reads `length` bytes at `offset` of an external-data file named by a tensor (`location` exactly as the
 * model wrote it); it decides what may be read and fails with EXTERNAL_DATA otherwise.
 */
export type ExternalDataReader = (location: string, offset: number, length: number, what: string) => Uint8Array;

/** Where a tensor is decoded: the model file (for messages), the node, and the external-data reader. */
export interface TensorContext {
  file?: string;
  node?: string;
  readExternal?: ExternalDataReader;
}

/** A protobuf int64 (number or Long-like) as a JS number. */
export function toNum(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v && typeof v === "object" && "toNumber" in v) return (v as { toNumber(): number }).toNumber();
  return Number(v);
}

/** float16 bits → number. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function decodeRaw(bytes: Uint8Array, type: number, n: number, data: Float64Array): void {
  if (LITTLE_ENDIAN && (type === 1 || type === 11)) {
    // Typed-array views need alignment: copy the bytes once, then widen in one pass.
    const copy = new Uint8Array(bytes).buffer; // a fresh copy (Buffer.slice would share memory)
    data.set(type === 1 ? new Float32Array(copy, 0, n) : new Float64Array(copy, 0, n));
    return;
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) {
    switch (type) {
      case 1: data[i] = dv.getFloat32(4 * i, true); break;
      case 11: data[i] = dv.getFloat64(8 * i, true); break;
      case 10: data[i] = halfToFloat(dv.getUint16(2 * i, true)); break;
      case 7: data[i] = Number(dv.getBigInt64(8 * i, true)); break;
      case 13: data[i] = Number(dv.getBigUint64(8 * i, true)); break;
      case 6: data[i] = dv.getInt32(4 * i, true); break;
      case 12: data[i] = dv.getUint32(4 * i, true); break;
      case 5: data[i] = dv.getInt16(2 * i, true); break;
      case 3: data[i] = dv.getInt8(i); break;
      case 2: case 9: data[i] = dv.getUint8(i); break;
    }
  }
}

/** Read an external-data tensor through the context's reader, after checking its offset and length. */
function readExternal(t: onnxp.onnx.ITensorProto, byteLen: number, ctx: TensorContext, what: string): Uint8Array {
  const entries = new Map((t.externalData ?? []).map((e) => [e.key ?? "", e.value ?? ""]));
  const loc = entries.get("location");
  const where = { file: ctx.file, node: ctx.node };
  if (!loc) fail("EXTERNAL_DATA", `${what} is stored externally but names no location; re-export with the data embedded`, where);
  if (!ctx.readExternal) fail("EXTERNAL_DATA", `${what} is stored in external file '${printable(loc, 120)}', but the model was given as bytes with no external-data reader; load it from its file`, where);
  const offset = toNum(entries.get("offset") ?? 0);
  const declared = entries.has("length") ? toNum(entries.get("length")) : byteLen;
  if (!Number.isSafeInteger(offset) || offset < 0 || declared !== byteLen) {
    fail("EXTERNAL_DATA", `${what}: external offset/length (${entries.get("offset") ?? 0}/${entries.get("length")}) do not fit a tensor of ${byteLen} bytes`, where);
  }
  // The reader's errors name only the file: hand it the node too.
  const buf = ctx.readExternal(loc, offset, byteLen, ctx.node ? `node ${ctx.node}: ${what}` : what);
  if (buf.length !== byteLen) fail("EXTERNAL_DATA", `${what}: external file '${loc}' gave ${buf.length} bytes, the tensor needs ${byteLen}`, where);
  return buf;
}

/** Decode a TensorProto to float64, checking the declared size against the data present before allocating. */
export function decodeTensor(t: onnxp.onnx.ITensorProto, ctx: TensorContext): Tensor {
  const what = `tensor '${printable(t.name ?? "")}'`;
  const dims = (t.dims ?? []).map(toNum);
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) fail("BAD_MODEL", `${what} has dimension ${d}; dimensions must be non-negative integers`, ctx);
    n *= d;
  }
  const type = t.dataType ?? 0;
  const size = ELEM_BYTES[type];
  if (size === undefined) {
    fail("BAD_MODEL", `${what} has element type ${ELEM_NAMES[type] ?? type}; netsize reads float16/32/64 and integer tensors`, ctx);
  }
  if (n > MAX_ELEMENTS) fail("BAD_MODEL", `${what} declares ${n} elements [${dims.join(",")}], more than netsize handles (${MAX_ELEMENTS})`, ctx);
  let raw: Uint8Array | undefined;
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) raw = readExternal(t, n * size, ctx, what);
  else if (t.rawData && t.rawData.length > 0) raw = t.rawData;
  if (raw) {
    if (raw.length !== n * size) {
      fail("BAD_MODEL", `${what} declares [${dims.join(",")}] = ${n} × ${size} bytes but holds ${raw.length} bytes; the file is truncated or corrupt`, ctx);
    }
    const data = new Float64Array(n);
    decodeRaw(raw, type, n, data);
    return { dims, data };
  }
  // Typed fields: float32 in float_data, float16/int8-32/bool in int32_data, int64 in int64_data, ...
  const field: ArrayLike<unknown> | null | undefined =
    type === 1 ? t.floatData : type === 11 ? t.doubleData : type === 7 ? t.int64Data
      : type === 12 || type === 13 ? t.uint64Data : t.int32Data;
  const len = field?.length ?? 0;
  if (len !== n) {
    fail("BAD_MODEL", `${what} declares [${dims.join(",")}] = ${n} values but holds ${len}; the file is truncated or corrupt`, ctx);
  }
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = toNum(field![i]);
    data[i] = type === 10 ? halfToFloat(v) : v;
  }
  return { dims, data };
}

/** An ONNX node's attributes by name, with typed getters that name the node in errors. */
export class Attributes {
  private readonly map: Map<string, onnxp.onnx.IAttributeProto>;

  constructor(
    attrs: readonly onnxp.onnx.IAttributeProto[] | null | undefined,
    private readonly ctx: TensorContext,
  ) {
    this.map = new Map((attrs ?? []).map((a) => [a.name ?? "", a]));
  }

  /** True when the attribute is present. */
  has(name: string): boolean {
    return this.map.has(name);
  }

  /** An integer attribute. */
  int(name: string, def: number): number {
    const a = this.map.get(name);
    return a ? toNum(a.i ?? 0) : def;
  }

  /** A float attribute. */
  float(name: string, def: number): number {
    const a = this.map.get(name);
    return a ? a.f ?? 0 : def;
  }

  /** An integer-list attribute. */
  ints(name: string): number[] | undefined {
    const a = this.map.get(name);
    return a ? (a.ints ?? []).map(toNum) : undefined;
  }

  /** A string attribute. */
  str(name: string, def: string): string {
    const a = this.map.get(name);
    return a?.s ? new TextDecoder().decode(a.s) : def;
  }

  /** A tensor attribute (Constant's value). */
  tensor(name: string): Tensor | undefined {
    const a = this.map.get(name);
    return a?.t ? decodeTensor(a.t, this.ctx) : undefined;
  }

  /** Names of all attributes. */
  names(): string[] {
    return [...this.map.keys()];
  }
}
