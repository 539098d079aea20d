// The netsize JSON network format, schema "netsize.network/1".
//
// {
//   "schema": "netsize.network/1",
//   "inputShape": [784],
//   "layers": [ { "name": "dense0", "kind": "dense", "inputs": [-1], "shape": [256],
//                 "inSize": 784, "outSize": 256,
//                 "weight": { "dtype": "float64", "base64": "..." }, "bias": { ... } }, ... ],
//   "meta": { ... }
// }
//
// Layers carry exactly the fields of their op (see core/network.ts) plus name, inputs and shape
// (shape is informative and checked on reading). Every Float64Array (weights here, and any in
// meta) is stored as base64 of its little-endian IEEE-754 bytes, so weights survive bit for bit,
// -0 and subnormals included. On reading, a plain array of numbers is accepted too (hand-written
// files), and so is {"dtype": "float32", "base64": ...}. Numbers JSON cannot write (-0, ±Infinity,
// NaN) are stored as {"$number": "-0"} etc., so scalar parameters survive exactly too.
import { decodeBase64, encodeBase64 } from "../base64.js";
import { NetsizeError, fail, printable } from "../errors.js";
import { LayerSpec, Network, createNetwork } from "../network.js";

/** The schema tag of the JSON network format. */
export const NETWORK_SCHEMA = "netsize.network/1";

const ARRAY_FIELDS = ["weight", "bias", "scale", "shift"] as const;

/** Encoded form of a typed array inside netsize JSON. */
interface EncodedArray {
  dtype: "float64" | "float32";
  base64: string;
}

function encodeArray(a: Float64Array | Float32Array): EncodedArray {
  const size = a instanceof Float64Array ? 8 : 4;
  const bytes = new Uint8Array(a.length * size);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) {
    if (size === 8) dv.setFloat64(8 * i, a[i]!, true);
    else dv.setFloat32(4 * i, a[i]!, true);
  }
  return { dtype: size === 8 ? "float64" : "float32", base64: encodeBase64(bytes) };
}

function isEncoded(v: unknown): v is EncodedArray {
  return !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 2 &&
    ((v as EncodedArray).dtype === "float64" || (v as EncodedArray).dtype === "float32") && typeof (v as EncodedArray).base64 === "string";
}

function decodeArray(v: EncodedArray, where: { file?: string; node?: string }): Float64Array | Float32Array {
  const bytes = decodeBase64(v.base64);
  if (!bytes) fail("BAD_MODEL", `${v.dtype} data is not valid base64; the file is corrupt`, where);
  const size = v.dtype === "float64" ? 8 : 4;
  if (bytes.length % size !== 0) fail("BAD_MODEL", `${v.dtype} data of ${bytes.length} bytes is not a whole number of values; the file is corrupt`, where);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length / size;
  const out = size === 8 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = size === 8 ? dv.getFloat64(8 * i, true) : dv.getFloat32(4 * i, true);
  return out;
}

function replacer(_k: string, v: unknown): unknown {
  if (v instanceof Float64Array || v instanceof Float32Array) return encodeArray(v);
  if (typeof v === "number" && (Object.is(v, -0) || !Number.isFinite(v))) return { $number: Object.is(v, -0) ? "-0" : String(v) };
  return v;
}

function isNumberTag(v: unknown): v is { $number: string } {
  return !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 &&
    ["-0", "Infinity", "-Infinity", "NaN"].includes((v as { $number: unknown }).$number as string);
}

/** JSON.stringify that keeps Float64Arrays, -0 and non-finite numbers exactly (read back with parseExact). */
export function stringifyExact(value: unknown, indent?: number): string {
  return JSON.stringify(value, replacer, indent);
}

/** Deepest nesting of arrays and objects netsize reads (its own files nest a handful of levels). */
export const MAX_JSON_DEPTH = 64;

/**
 * Refuse JSON nested deeper than MAX_JSON_DEPTH before parsing it: reviving and printing walk the
 * document recursively, and 10⁵ nested brackets would overflow the stack. One pass, no recursion.
 */
export function checkJsonDepth(text: string, file?: string): void {
  let depth = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92) i++; // backslash: skip the escaped character
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 || ch === 123) {
      if (++depth > MAX_JSON_DEPTH) fail("BAD_MODEL", `the JSON nests arrays/objects more than ${MAX_JSON_DEPTH} levels deep (at character ${i}); netsize files nest a few levels — the file is corrupt or not a netsize file`, { file });
    } else if (ch === 93 || ch === 125) depth--;
  }
}

/** JSON.parse that restores what stringifyExact encoded. */
export function parseExact(text: string, file?: string): unknown {
  checkJsonDepth(text, file);
  return revive(JSON.parse(text), { file });
}

/** Serialise a network as netsize JSON text (exact). */
export function networkToJson(net: Network): string {
  const layers = net.layers.map((l) => ({ ...l, inputs: [...l.inputs], shape: [...l.shape] }));
  const text = stringifyExact({ schema: NETWORK_SCHEMA, inputShape: [...net.inputShape], layers, meta: net.meta }, 1);
  // Number lists (shapes, kernels, pads) read better on one line; only pretty-printed ones match
  // (a literal newline never occurs inside a JSON string).
  return text.replace(/\[\n\s*(-?[\d.eE+-]+(?:,\n\s*-?[\d.eE+-]+)*)\n\s*\]/g, (_m, body: string) => `[${body.split(/,\n\s*/).join(", ")}]`) + "\n";
}

function revive(v: unknown, where: { file?: string }): unknown {
  if (isEncoded(v)) return decodeArray(v, where);
  if (isNumberTag(v)) return Number(v.$number);
  if (Array.isArray(v)) return v.map((x) => revive(x, where));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x, where)]));
  return v;
}

function toFloat64(v: unknown, what: string, where: { file?: string; node?: string }): Float64Array {
  if (isEncoded(v)) {
    const a = decodeArray(v, where);
    return a instanceof Float64Array ? a : Float64Array.from(a);
  }
  if (Array.isArray(v) && v.every((x) => typeof x === "number" || x === null)) {
    // null is how JSON.stringify writes NaN/Infinity; keep it as NaN so the weight check names it.
    return Float64Array.from(v.map((x) => (x === null ? NaN : (x as number))));
  }
  return fail("BAD_MODEL", `${what} must be an array of numbers or {"dtype","base64"}`, where);
}

/** Parse netsize JSON text into a validated network. */
export function networkFromJson(text: string, file?: string): Network {
  let doc: unknown;
  checkJsonDepth(text, file);
  try {
    doc = JSON.parse(text);
  } catch (e) {
    fail("BAD_MODEL", `not valid JSON (${(e as Error).message}); the file is truncated or corrupt`, { file });
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) fail("BAD_MODEL", "a netsize network file must be a JSON object", { file });
  const d = doc as Record<string, unknown>;
  if (d.schema !== NETWORK_SCHEMA) {
    fail("BAD_MODEL", `schema is ${printable(JSON.stringify(d.schema), 60)}; this netsize reads "${NETWORK_SCHEMA}" (JSON written by 'netsize convert')`, { file });
  }
  const inputShape = d.inputShape;
  if (!Array.isArray(inputShape) || !inputShape.every((x) => typeof x === "number")) fail("BAD_MODEL", "inputShape must be an array of numbers", { file });
  if (!Array.isArray(d.layers)) fail("BAD_MODEL", "layers must be an array", { file });
  const shapes: unknown[] = [];
  const specs = d.layers.map((raw, i): LayerSpec => {
    const where = { file, node: `layer ${i}` };
    if (!raw || typeof raw !== "object" || typeof (raw as { kind?: unknown }).kind !== "string") fail("BAD_MODEL", "each layer must be an object with a kind", where);
    // A reshape's shape is its op's target; elsewhere shape is the informative output shape.
    const { shape, ...rest } = raw as Record<string, unknown>;
    if ((raw as { kind: string }).kind === "reshape") rest.shape = shape;
    shapes.push(shape);
    const spec: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest)) {
      spec[k] = (ARRAY_FIELDS as readonly string[]).includes(k) ? toFloat64(v, k, where) : revive(v, where);
    }
    return spec as unknown as LayerSpec;
  });
  const meta = d.meta === undefined ? {} : revive(d.meta, { file });
  if (!meta || typeof meta !== "object" || Array.isArray(meta)) fail("BAD_MODEL", "meta must be an object", { file });
  let net: Network;
  try {
    net = createNetwork(inputShape as number[], specs, meta as Record<string, unknown>);
  } catch (e) {
    if (e instanceof NetsizeError && !e.file) throw new NetsizeError(e.code, e.detail, { file, node: e.node }, e.partial);
    if (e instanceof NetsizeError) throw e;
    throw new NetsizeError("BAD_MODEL", `inconsistent layer description: ${(e as Error).message}`, { file });
  }
  net.layers.forEach((l, i) => {
    const s = shapes[i];
    if (s !== undefined && (!Array.isArray(s) || s.join(",") !== l.shape.join(","))) {
      fail("SHAPE_MISMATCH", `the file says shape [${String(s)}], the layer computes [${l.shape.join(",")}]`, { file, node: l.name });
    }
  });
  return net;
}
