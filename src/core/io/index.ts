// Networks (ONNX, netsize JSON) and VNN-LIB properties from and to bytes; files are the Node side's (node/files.ts).
import { Network } from "../network.js";
import { fail } from "../errors.js";
import { extName } from "../names.js";
import { networkFromJson, networkToJson } from "./json.js";
import { exportOnnx } from "./onnx-export.js";
import { importOnnx } from "./onnx-import.js";
import type { ExternalDataReader } from "./onnx-tensor.js";
import { sniffFormat } from "./sniff.js";
import { checkNetworkSize, NETWORK_LIMITS, NetworkLimits } from "./limits.js";

export { parseVnnlib } from "./vnnlib.js";
export type { VnnlibProperty } from "./vnnlib.js";
export { NETWORK_SCHEMA, networkFromJson, networkToJson } from "./json.js";
export { sniffFormat } from "./sniff.js";
export type { NetworkFormat } from "./sniff.js";
export { EXPORT_OPSET } from "./onnx-export.js";
export { CONVERTERS as ONNX_CONVERTERS } from "./onnx-import.js";
export type { ExternalDataReader } from "./onnx-tensor.js";
export { checkNetworkSize, NETWORK_LIMITS } from "./limits.js";
export type { NetworkLimits } from "./limits.js";

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
  /** Leave out a recorded output transform (final Softmax/LogSoftmax/Sigmoid): the graph outputs the logits (the batched engine's view). */
  logits?: boolean;
}

/** Where bytes came from, for messages, and how to read external ONNX data (absent: external data is an error). */
export interface FromBytesOptions {
  file?: string;
  readExternal?: ExternalDataReader;
  /** Size limits of the network (default NETWORK_LIMITS); a larger one is LIMIT_EXCEEDED before it is built. */
  limits?: NetworkLimits;
}

/** Decode a network from ONNX or netsize JSON bytes (format sniffed from the first bytes), within opts.limits (default NETWORK_LIMITS). */
export function networkFromBytes(bytes: Uint8Array, opts: FromBytesOptions = {}): Network {
  const file = opts.file;
  const limits = opts.limits ?? NETWORK_LIMITS;
  if (bytes.length === 0) fail("BAD_MODEL", "the file is empty", { file });
  const net = sniffFormat(bytes) === "json" ? networkFromJson(new TextDecoder().decode(bytes), file) : importOnnx(bytes, file, opts.readExternal, limits);
  checkNetworkSize(net, limits, file);
  return net;
}

/** The format a file name asks for (.onnx or .json), or undefined. */
export function formatOfName(file: string): "onnx" | "json" | undefined {
  const ext = extName(file);
  return ext === ".json" ? "json" : ext === ".onnx" ? "onnx" : undefined;
}

/** Encode a network as the bytes (ONNX) or text (JSON) of a file in the given or name-implied format. */
export function encodeNetwork(net: Network, file: string, opts: SaveOptions = {}): Uint8Array | string {
  const format = opts.format ?? formatOfName(file);
  if (!format) fail("BAD_ARGUMENT", `cannot tell the format from '${extName(file) || "no extension"}'; use .onnx or .json (or pass format)`, { file });
  return format === "json" ? networkToJson(net) : exportOnnx(net, { float: opts.float });
}

/** Decode ONNX bytes into a network (file/folder used in messages and for external data). */
export function networkFromOnnx(bytes: Uint8Array, file?: string, readExternal?: ExternalDataReader): Network {
  return importOnnx(bytes, file, readExternal);
}

/** Encode a network as ONNX bytes (opset >= 13, dynamic batch). */
export function networkToOnnx(net: Network, opts: OnnxExportOptions = {}): Uint8Array {
  return exportOnnx(net, opts);
}

