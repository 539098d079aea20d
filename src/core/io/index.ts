// STUB owned by the io helper: ONNX/JSON/VNN-LIB reading and writing. Signatures are fixed; bodies to be written.
import { Network } from "../network.js";
import { NetsizeError } from "../errors.js";

/** Options for writing a network. */
export interface SaveOptions {
  /** "onnx" or "json"; default from the file extension. */
  format?: "onnx" | "json";
  /** Weight precision in ONNX (default 32; 64 keeps float64 exactly). */
  float?: 32 | 64;
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
