// Bounded reads of regular files: the one way netsize reads a file. A FIFO would block the open or the
// read forever, a device (/dev/zero) never ends, a directory is no file — so every read stats the path,
// opens it without blocking, checks again on the open descriptor, and reads at most a stated size.
import { closeSync, constants, fstatSync, openSync, readSync, Stats, statSync } from "node:fs";
import { ErrorCode, fail, isNetsizeError } from "../core/errors.js";

/** Largest model file (ONNX or netsize JSON): 2 GiB, protobuf's own limit for one message. */
export const MAX_MODEL_BYTES = 2 * 1024 ** 3;
/** Largest text spec (box JSON/CSV, VNN-LIB property, run config): 256 MiB. */
export const MAX_TEXT_BYTES = 256 * 1024 ** 2;
/** Largest CSV data file: 512 MiB (its text must fit one JavaScript string). */
export const MAX_CSV_BYTES = 512 * 1024 ** 2;
/** Largest NPY data or labels file: 2 GiB. */
export const MAX_NPY_BYTES = 2 * 1024 ** 3;

/** How to read a file and how to fail. */
export interface ReadFileOptions {
  /** The most bytes the file may hold; a larger one is LIMIT_EXCEEDED naming `limitName`. */
  maxBytes: number;
  /** What the file is, for messages ("the model", "the VNN-LIB property"). */
  what: string;
  /** Code of a missing, unreadable or non-regular file (default IO_ERROR). */
  code?: ErrorCode;
  /** The limit's name in messages (default: the size in MiB). */
  limitName?: string;
  /** What to do about a non-regular file (default "give a regular file"). */
  hint?: string;
  /** The file to name in messages (default the file read; external data names its model). */
  nameAs?: string;
  /** Refuse a symbolic link as the last path component (the caller resolved it already). */
  noFollow?: boolean;
}

/** "a named pipe (FIFO)", "a directory", ...: what a non-regular file is. */
export function fileKind(st: Stats): string {
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isDirectory()) return "a directory";
  if (st.isSocket()) return "a socket";
  if (st.isSymbolicLink()) return "a symbolic link";
  return "not a regular file";
}

function mib(n: number): string {
  return n >= 1024 ** 3 ? `${n / 1024 ** 3} GiB` : `${Math.round(n / 1024 ** 2)} MiB`;
}

function errnoText(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

function refuse(file: string, st: Stats, o: ReadFileOptions): never {
  return fail(o.code ?? "IO_ERROR", `${o.what} is ${fileKind(st)}, not a regular file; ${o.hint ?? "give a regular file"}`, { file: o.nameAs ?? file });
}

/** An open regular file: its descriptor and size (close it with closeSync). */
export interface OpenFile {
  fd: number;
  size: number;
}

/**
 * Open a regular file for reading without ever blocking: stat the path (a non-regular file is refused
 * before it is opened), open it with O_NONBLOCK (a FIFO swapped in meanwhile cannot block the open),
 * and check the descriptor again. Size over `maxBytes` is LIMIT_EXCEEDED.
 */
export function openRegularFile(file: string, o: ReadFileOptions): OpenFile {
  const code = o.code ?? "IO_ERROR";
  const where = { file: o.nameAs ?? file };
  let st: Stats;
  try {
    st = statSync(file);
  } catch (e) {
    const c = errnoText(e);
    return fail(code, `cannot read: ${c} (${o.what})${c === "ENOENT" ? "; check the path" : ""}`, where);
  }
  if (!st.isFile()) refuse(file, st, o);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | (o.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (e) {
    const c = errnoText(e);
    return fail(code, `cannot read ${o.what} (${c === "ELOOP" ? "a symbolic link was swapped in" : c})`, where);
  }
  try {
    const fst = fstatSync(fd);
    if (!fst.isFile()) refuse(file, fst, o);
    if (fst.size > o.maxBytes) {
      fail("LIMIT_EXCEEDED", `${o.what} has ${fst.size} bytes, more than netsize reads (${o.limitName ?? "the limit"} = ${mib(o.maxBytes)})`, where);
    }
    return { fd, size: fst.size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Read `length` bytes at `offset` of an open file (fewer when the file ends first). */
export function readRange(fd: number, offset: number, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, Math.min(length - got, 1 << 30), offset + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/**
 * The bytes of a regular file of at most `maxBytes` (see openRegularFile): missing, unreadable and
 * non-regular files fail with `code` (IO_ERROR unless told), larger ones with LIMIT_EXCEEDED.
 */
export function readRegularFile(file: string, o: ReadFileOptions): Uint8Array {
  const { fd, size } = openRegularFile(file, o);
  try {
    let bytes: Uint8Array;
    try {
      bytes = readRange(fd, 0, size);
      // A file still growing past its stat size is being written: refuse rather than read a moving target.
      if (bytes.length === size && readSync(fd, new Uint8Array(1), 0, 1, size) > 0) {
        fail(o.code ?? "IO_ERROR", `${o.what} grew while it was read; read it when it is complete`, { file: o.nameAs ?? file });
      }
    } catch (e) {
      if (isNetsizeError(e)) throw e;
      return fail(o.code ?? "IO_ERROR", `cannot read ${o.what} (${errnoText(e)})`, { file: o.nameAs ?? file });
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** The UTF-8 text of a regular file of at most `maxBytes` (see readRegularFile). */
export function readRegularText(file: string, o: ReadFileOptions): string {
  const b = readRegularFile(file, o);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8");
}
