// STUB owned by the io helper: ONNX/JSON/VNN-LIB reading and writing. Signatures are fixed; bodies to be written.
import { Network } from "../network.js";
import { Box } from "../domain.js";
import { NetsizeError } from "../errors.js";

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
  throw new NetsizeError("BAD_MODEL", "loadNetwork not implemented yet", { file });
}

/** Write a network as ONNX or JSON, atomically. */
export async function saveNetwork(net: Network, file: string, opts: SaveOptions = {}): Promise<void> {
  void net; void opts;
  throw new NetsizeError("IO_ERROR", "saveNetwork not implemented yet", { file });
}

/** Decode ONNX bytes into a network (file/folder used in messages and for external data). */
export function networkFromOnnx(bytes: Uint8Array, file?: string): Network {
  void bytes;
  throw new NetsizeError("BAD_MODEL", "networkFromOnnx not implemented yet", { file });
}

/** Encode a network as ONNX bytes (opset >= 13, dynamic batch). */
export function networkToOnnx(net: Network, opts: OnnxExportOptions = {}): Uint8Array {
  void net; void opts;
  throw new NetsizeError("IO_ERROR", "networkToOnnx not implemented yet");
}

/** A VNN-LIB property: its input box and the output condition kept as text. */
export interface VnnlibProperty {
  box: Box;
  /** The output constraints as the original s-expressions (asserts over Y_i). */
  outputCondition: string[];
  numInputs: number;
  numOutputs: number;
}

/** Parse a VNN-LIB property. */
export function parseVnnlib(text: string, file?: string): VnnlibProperty {
  void text;
  throw new NetsizeError("BAD_DATA", "parseVnnlib not implemented yet", { file });
}
