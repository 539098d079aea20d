import { fail, printable } from "../core/errors.js";
import { Dataset } from "./dataset.js";

/** An array read from a .npy file, widened to float64. */
export interface NpyArray {
  /** The file's dtype descriptor, e.g. "<f4". */
  descr: string;
  shape: number[];
  data: Float64Array;
}

/** Options for reading a .npy file into a Dataset. */
export interface NpyOptions {
  /** A second .npy array (its bytes and file name) with one integer class label per sample. */
  labels?: { bytes: Uint8Array; file: string };
  /** For a 2-D array: the column holding integer labels (0-based, negative from the end); the other columns are features. */
  labelColumn?: number;
  /** Name recorded in the Dataset (default: the file path). */
  name?: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** True when the bytes start with the .npy magic string. */
export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && MAGIC.every((b, i) => bytes[i] === b);
}

function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1, e = (bits >> 10) & 0x1f, m = bits & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Element readers by dtype kind+size; little/big endian chosen at call time. */
const READERS: Record<string, (v: DataView, o: number, le: boolean) => number> = {
  f2: (v, o, le) => half(v.getUint16(o, le)),
  f4: (v, o, le) => v.getFloat32(o, le),
  f8: (v, o, le) => v.getFloat64(o, le),
  i1: (v, o) => v.getInt8(o),
  i2: (v, o, le) => v.getInt16(o, le),
  i4: (v, o, le) => v.getInt32(o, le),
  i8: (v, o, le) => Number(v.getBigInt64(o, le)),
  u1: (v, o) => v.getUint8(o),
  u2: (v, o, le) => v.getUint16(o, le),
  u4: (v, o, le) => v.getUint32(o, le),
  u8: (v, o, le) => Number(v.getBigUint64(o, le)),
  b1: (v, o) => v.getUint8(o),
};

/** Decode .npy bytes (format versions 1–3, C order, numeric dtypes); damage is BAD_DATA with the byte offset. */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length === 0) fail("BAD_DATA", "the file is empty; expected a .npy array", { file });
  if (!isNpy(bytes)) fail("BAD_DATA", "not a .npy file (bytes 0-5 are not \\x93NUMPY); save arrays with numpy.save", { file });
  if (bytes.length < 10) fail("BAD_DATA", `truncated at byte offset ${bytes.length}: the .npy preamble needs 10 bytes`, { file });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail("BAD_DATA", `byte offset 6: unknown .npy format version ${major}.${bytes[7]}`, { file });
  const lenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenSize) fail("BAD_DATA", `truncated at byte offset ${bytes.length} inside the .npy preamble`, { file });
  const headerLen = lenSize === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenSize;
  if (start + headerLen > bytes.length) {
    fail("BAD_DATA", `truncated: the header declares ${headerLen} bytes at offset ${start} but the file has ${bytes.length} bytes`, { file });
  }
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + headerLen));
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    fail("BAD_DATA", `byte offset ${start}: the header is not a .npy dict with descr, fortran_order and shape: ${printable(header, 80)}`, { file });
  }
  if (fortran === "True") fail("BAD_DATA", "the array is in Fortran order; save it in C order (numpy.ascontiguousarray) first", { file });
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) fail("BAD_DATA", `byte offset ${start}: bad shape (${shapeText})`, { file });
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  const reader = m ? READERS[`${m[2]}${m[3]}`] : undefined;
  if (!m || !reader) {
    fail("BAD_DATA", `dtype '${descr}' is not supported; use float32/float64, (u)int8-64 or bool`, { file });
  }
  const size = Number(m[3]);
  const le = m[1] !== ">";
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  const need = count * size;
  if (bytes.length - dataStart < need) {
    fail("BAD_DATA", `truncated: shape (${shape.join(", ")}) of ${descr} needs ${need} bytes from offset ${dataStart}, the file has ${bytes.length - dataStart}`, { file });
  }
  const data = new Float64Array(count);
  if (m[2] === "f" && size === 8 && le && (bytes.byteOffset + dataStart) % 8 === 0) {
    data.set(new Float64Array(bytes.buffer, bytes.byteOffset + dataStart, count));
  } else if (m[2] === "f" && size === 4 && le && (bytes.byteOffset + dataStart) % 4 === 0) {
    data.set(new Float32Array(bytes.buffer, bytes.byteOffset + dataStart, count));
  } else {
    for (let i = 0; i < count; i++) data[i] = reader(view, dataStart + i * size, le);
  }
  return { descr, shape, data };
}

/** Encode a C-order float64 or float32 array as .npy (format 1.0, little endian). */
export function encodeNpy(data: Float64Array | Float32Array, shape: readonly number[]): Uint8Array {
  if (shape.reduce((a, b) => a * b, 1) !== data.length) throw new RangeError(`shape [${shape.join(",")}] does not hold ${data.length} values`);
  const descr = data instanceof Float64Array ? "<f8" : "<f4";
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  // numpy aligns the data to 64 bytes: pad the header with spaces and end it with a newline.
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1; out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

function checkFinite(a: NpyArray, file: string): void {
  for (let i = 0; i < a.data.length; i++) {
    if (!Number.isFinite(a.data[i]!)) fail("BAD_DATA", `element ${i} is ${a.data[i]}; data must be finite`, { file });
  }
}

function toLabels(values: ArrayLike<number>, file: string, what: string): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1) fail("BAD_DATA", `${what} ${i} is ${v}; labels must be non-negative integer classes`, { file });
    out[i] = v;
  }
  return out;
}

/** A .npy array's bytes as a Dataset: axis 0 indexes samples, the remaining axes are the per-sample shape. */
export function datasetFromNpy(bytes: Uint8Array, file: string, opts: NpyOptions = {}): Dataset {
  const a = parseNpy(bytes, file);
  checkFinite(a, file);
  if (a.shape.length === 0) fail("BAD_DATA", "the array is a scalar; expected samples along axis 0", { file });
  const n = a.shape[0]!;
  if (n === 0) fail("BAD_DATA", "the array has no samples (axis 0 is 0)", { file });
  let shape = a.shape.length === 1 ? [1] : a.shape.slice(1);
  let x = a.data;
  let labels: Int32Array | undefined;
  if (opts.labelColumn !== undefined) {
    if (a.shape.length !== 2) fail("BAD_DATA", `a label column needs a 2-D array, this one has shape (${a.shape.join(", ")})`, { file });
    const cols = a.shape[1]!;
    const c = opts.labelColumn < 0 ? cols + opts.labelColumn : opts.labelColumn;
    if (!Number.isInteger(c) || c < 0 || c >= cols || cols < 2) fail("BAD_DATA", `label column ${opts.labelColumn} is outside the array's ${cols} columns`, { file });
    x = new Float64Array(n * (cols - 1));
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let o = i * (cols - 1);
      for (let j = 0; j < cols; j++) {
        if (j === c) col[i] = a.data[i * cols + j]!;
        else x[o++] = a.data[i * cols + j]!;
      }
    }
    labels = toLabels(col, file, "label in row");
    shape = [cols - 1];
  }
  if (opts.labels !== undefined) {
    const l = parseNpy(opts.labels.bytes, opts.labels.file);
    if (l.data.length !== n) fail("BAD_DATA", `has ${l.data.length} labels for the ${n} samples of ${file}`, { file: opts.labels.file });
    labels = toLabels(l.data, opts.labels.file, "label");
  }
  return { name: opts.name ?? file, n, shape, x, ...(labels ? { labels } : {}) };
}
