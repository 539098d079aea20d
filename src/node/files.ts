// Networks and text from files: the Node side of core/io (which decodes bytes and never touches files).
import { closeSync, fstatSync, openSync, promises as fs, readFileSync, readSync } from "node:fs";
import path from "node:path";
import { fail } from "../core/errors.js";
import { encodeNetwork, ExternalDataReader, networkFromBytes, SaveOptions } from "../core/io/index.js";
import { Network } from "../core/network.js";
import { writeFileAtomic } from "./atomic.js";

/**
 * The external-data reader of a model file: reads only files inside the model's own folder (a
 * location that is absolute or climbs out with '..' is refused).
 */
export function externalDataBeside(modelFile: string): ExternalDataReader {
  const dir = path.dirname(path.resolve(modelFile));
  return (loc, offset, length, what) => {
    const where = { file: modelFile };
    const target = path.resolve(dir, loc);
    const rel = path.relative(dir, target);
    if (path.isAbsolute(loc) || rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
      fail("EXTERNAL_DATA", `${what} points to external data '${loc}' outside the model's folder; netsize only reads external data beside the model`, where);
    }
    let fd: number;
    try {
      fd = openSync(target, "r");
    } catch (e) {
      fail("EXTERNAL_DATA", `${what}: cannot open external data '${loc}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); keep it beside the model`, where);
    }
    try {
      const size = fstatSync(fd).size;
      if (offset + length > size) fail("EXTERNAL_DATA", `${what}: external file '${loc}' has ${size} bytes, the tensor needs ${offset + length}`, where);
      const buf = new Uint8Array(length);
      readSync(fd, buf, 0, length, offset);
      return buf;
    } finally {
      closeSync(fd);
    }
  };
}

/** Read a network from an .onnx or netsize .json file (format sniffed from the first bytes; external ONNX data read beside it). */
export async function loadNetwork(file: string): Promise<Network> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail("IO_ERROR", `cannot read (${code ?? (e as Error).message})${code === "ENOENT" ? "; check the path" : ""}`, { file });
  }
  return networkFromBytes(bytes, { file, readExternal: externalDataBeside(file) });
}

/** Read a network from an ONNX file (the design's name for loadNetwork; netsize JSON is accepted too). */
export const loadOnnx = loadNetwork;

/** Write a network as ONNX or JSON, atomically. */
export async function saveNetwork(net: Network, file: string, opts: SaveOptions = {}): Promise<void> {
  await writeFileAtomic(file, encodeNetwork(net, file, opts));
}

/** A text file's content; unreadable files are IO_ERROR naming `what`. */
export function readTextFile(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    return fail("IO_ERROR", `cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
}
