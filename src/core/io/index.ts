// Reading and writing networks (ONNX, netsize JSON) and VNN-LIB properties.
import { promises as fs } from "node:fs";
import path from "node:path";
import { Network } from "../network.js";
import { fail } from "../errors.js";
import { writeFileAtomic } from "./atomic.js";
import { networkFromJson, networkToJson } from "./json.js";
import { exportOnnx } from "./onnx-export.js";
import { importOnnx } from "./onnx-import.js";
import { sniffFormat } from "./sniff.js";

export { parseVnnlib } from "./vnnlib.js";
export type { VnnlibProperty } from "./vnnlib.js";
export { NETWORK_SCHEMA, networkFromJson, networkToJson } from "./json.js";
export { sniffFormat } from "./sniff.js";
export type { NetworkFormat } from "./sniff.js";
export { EXPORT_OPSET } from "./onnx-export.js";
export { CONVERTERS as ONNX_CONVERTERS } from "./onnx-import.js";

/** Options for writing a network. */
export interface SaveOptions {
  /** "onnx" or "json"; default from the file extension. */
  format?: "onnx" | "json";
  /** Weight precision in ONNX (default 32; 64 keeps float64 exactly). */
  float?: 32 | 64;
}

/** Options for building ONNX bytes. */
export interface OnnxExportOptions {
  /** Weight and I/O precision (default 32). */
  float?: 32 | 64;
  /** Also expose, as extra graph outputs named "pre_<layerIndex>", the input of every unit layer (for the batched engine). */
  unitOutputs?: boolean;
}

/** Read a network from an .onnx or netsize .json file (format sniffed from the first bytes). */
export async function loadNetwork(file: string): Promise<Network> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail("IO_ERROR", `cannot read (${code ?? (e as Error).message})${code === "ENOENT" ? "; check the path" : ""}`, { file });
  }
  if (bytes.length === 0) fail("BAD_MODEL", "the file is empty", { file });
  if (sniffFormat(bytes) === "json") return networkFromJson(new TextDecoder().decode(bytes), file);
  return importOnnx(bytes, file);
}

/** Write a network as ONNX or JSON, atomically. */
export async function saveNetwork(net: Network, file: string, opts: SaveOptions = {}): Promise<void> {
  const ext = path.extname(file).toLowerCase();
  const format = opts.format ?? (ext === ".json" ? "json" : ext === ".onnx" ? "onnx" : undefined);
  if (!format) fail("BAD_ARGUMENT", `cannot tell the format from '${ext || "no extension"}'; use .onnx or .json (or pass format)`, { file });
  const data = format === "json" ? networkToJson(net) : exportOnnx(net, { float: opts.float });
  await writeFileAtomic(file, data);
}

/** Decode ONNX bytes into a network (file/folder used in messages and for external data). */
export function networkFromOnnx(bytes: Uint8Array, file?: string): Network {
  return importOnnx(bytes, file);
}

/** Encode a network as ONNX bytes (opset >= 13, dynamic batch). */
export function networkToOnnx(net: Network, opts: OnnxExportOptions = {}): Uint8Array {
  return exportOnnx(net, opts);
}

/** Read a network from an ONNX file (the design's name for loadNetwork; netsize JSON is accepted too). */
export const loadOnnx = loadNetwork;
