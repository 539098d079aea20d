// Networks and text from files: the Node side of core/io (which decodes bytes and never touches files).
import { closeSync, realpathSync } from "node:fs";
import path from "node:path";
import { fail } from "../core/errors.js";
import { encodeNetwork, ExternalDataReader, networkFromBytes, SaveOptions } from "../core/io/index.js";
import { Network } from "../core/network.js";
import { writeFileAtomic } from "./atomic.js";
import { MAX_MODEL_BYTES, MAX_TEXT_BYTES, openRegularFile, readRange, readRegularFile, readRegularText } from "./read.js";

/** Whether `target` lies strictly inside folder `dir` (both absolute, already resolved). */
function inside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * The external-data reader of a model file: reads only regular files inside the model's own folder.
 * A location that is absolute or climbs out with '..' is refused as written; then the real paths are
 * compared (realpath of the folder against realpath of the target), so a symbolic link — to a file, to
 * a folder, or to '..' — cannot lead outside either. FIFOs, devices and folders are refused unopened.
 */
export function externalDataBeside(modelFile: string, onRead?: (realPath: string) => void): ExternalDataReader {
  const dir = path.dirname(path.resolve(modelFile));
  let realDir: string | undefined;
  return (loc, offset, length, what) => {
    const where = { file: modelFile };
    const target = path.resolve(dir, loc);
    if (path.isAbsolute(loc) || !inside(dir, target)) {
      fail("EXTERNAL_DATA", `${what} points to external data '${loc}' outside the model's folder; netsize only reads external data beside the model`, where);
    }
    let real: string;
    try {
      realDir ??= realpathSync(dir);
      real = realpathSync(target);
    } catch (e) {
      return fail("EXTERNAL_DATA", `${what}: cannot open external data '${loc}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); keep it beside the model`, where);
    }
    if (!inside(realDir, real)) {
      fail("EXTERNAL_DATA", `${what}: external data '${loc}' is a symbolic link (or lies under one) leading outside the model's folder; netsize only reads external data beside the model — copy the file there`, where);
    }
    const { fd, size } = openRegularFile(real, {
      maxBytes: Number.MAX_SAFE_INTEGER, what: `${what}: external data '${loc}'`, code: "EXTERNAL_DATA", noFollow: true, nameAs: modelFile,
      hint: "keep the tensor data in a regular file beside the model",
    });
    onRead?.(real);
    try {
      if (offset + length > size) fail("EXTERNAL_DATA", `${what}: external file '${loc}' has ${size} bytes, the tensor needs ${offset + length}`, where);
      try {
        return readRange(fd, offset, length);
      } catch (e) {
        return fail("EXTERNAL_DATA", `${what}: cannot read external data '${loc}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, where);
      }
    } finally {
      closeSync(fd);
    }
  };
}

/**
 * Read a network from an .onnx or netsize .json file (format sniffed from the first bytes; external ONNX
 * data read beside it). The file must be a regular file of at most MAX_MODEL_BYTES.
 */
export async function loadNetwork(file: string, opts: LoadOptions = {}): Promise<Network> {
  const bytes = readRegularFile(file, { maxBytes: MAX_MODEL_BYTES, what: "the model", limitName: "MAX_MODEL_BYTES" });
  const seen = opts.externalFiles;
  return networkFromBytes(bytes, { file, readExternal: externalDataBeside(file, seen ? (f) => { if (!seen.includes(f)) seen.push(f); } : undefined) });
}

/** Options of loadNetwork. */
export interface LoadOptions {
  /** Receives the real paths of the external-data files read (so a command can refuse to overwrite them). */
  externalFiles?: string[];
}

/** Read a network from an ONNX file (the design's name for loadNetwork; netsize JSON is accepted too). */
export const loadOnnx = loadNetwork;

/** Write a network as ONNX or JSON, atomically. */
export async function saveNetwork(net: Network, file: string, opts: SaveOptions = {}): Promise<void> {
  await writeFileAtomic(file, encodeNetwork(net, file, opts));
}

/** A text file's content (a regular file of at most MAX_TEXT_BYTES); unreadable or non-regular files are IO_ERROR naming `what`. */
export function readTextFile(file: string, what: string): string {
  return readRegularText(file, { maxBytes: MAX_TEXT_BYTES, what, limitName: "MAX_TEXT_BYTES" });
}
