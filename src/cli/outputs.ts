// What a command reads and writes. An output must never be an input: every output file is compared
// with every input file (same real path, or same device and inode for hard links) before any work, and
// two outputs may not name the same file; an output that does not exist yet cannot be an input.
// Outputs are staged to temporary siblings and renamed into place together at the end.
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { promises as fsp, realpathSync, renameSync, rmSync, Stats, statSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { fail, isNetsizeError } from "../core/errors.js";
import { Network } from "../core/network.js";
import { loadNetwork } from "../node/files.js";
import { jsonChunks } from "./json.js";
import { markCommitted, onCleanup } from "./signals.js";

/** A file a command reads or writes, by the option that named it ("the model", "--json", "-o"). */
export interface FileRef {
  option: string;
  /** A path; undefined, a bare flag (true/false) or "-" (stdout) name no file. */
  file: string | boolean | undefined;
}

interface Identity {
  /** Real path (the folder's real path plus the name when the file does not exist). */
  real: string;
  st?: Stats;
}

/** True when `f` names a file (not stdout, not an absent option). */
export function isFilePath(f: string | boolean | undefined): f is string {
  return typeof f === "string" && f !== "-" && f !== "";
}

function identity(file: string): Identity {
  const abs = path.resolve(file);
  try {
    const st = statSync(abs);
    return { real: realpathSync(abs), st };
  } catch {
    let dir = path.dirname(abs);
    try { dir = realpathSync(dir); } catch { /* a folder that does not exist either: compare as given */ }
    return { real: path.join(dir, path.basename(abs)) };
  }
}

function same(a: Identity, b: Identity): boolean {
  if (a.real === b.real) return true;
  return a.st !== undefined && b.st !== undefined && a.st.dev === b.st.dev && a.st.ino === b.st.ino;
}

/**
 * BAD_ARGUMENT (exit 2) when an output resolves to an input file (same real path, or the same device
 * and inode: a hard link), or when two outputs name the same file. Call it before any work.
 */
export function guardOutputs(inputs: readonly FileRef[], outputs: readonly FileRef[]): void {
  const ins = inputs.filter((i) => isFilePath(i.file)).map((i) => ({ ...i, id: identity(i.file as string) })).filter((i) => i.id.st !== undefined);
  const outs = outputs.filter((o) => isFilePath(o.file)).map((o) => ({ ...o, id: identity(o.file as string) }));
  for (const o of outs) {
    if (o.id.st === undefined) continue;
    for (const i of ins) {
      if (same(o.id, i.id)) {
        fail("BAD_ARGUMENT", `${o.option} '${o.file}' is the ${i.option} '${i.file}'; writing it would destroy an input — choose another output file`);
      }
    }
  }
  outs.forEach((a, j) => {
    for (const b of outs.slice(j + 1)) {
      if (same(a.id, b.id)) fail("BAD_ARGUMENT", `${a.option} '${a.file}' and ${b.option} '${b.file}' are the same file; give each output its own file`);
    }
  });
}

/**
 * The files of one command: constructed with its inputs and outputs, it refuses collisions at once
 * (see guardOutputs); its loadNetwork refuses outputs onto the model's external-data files as well.
 */
export class CommandFiles {
  constructor(readonly inputs: readonly FileRef[], readonly outputs: readonly FileRef[]) {
    guardOutputs(inputs, outputs);
  }

  /** Load a model (see node/files.ts loadNetwork) and check no output overwrites its external data. */
  async loadNetwork(file: string): Promise<Network> {
    const external: string[] = [];
    const net = await loadNetwork(file, { externalFiles: external });
    guardOutputs(external.map((f) => ({ option: `external data of ${path.basename(file)}`, file: f })), this.outputs);
    return net;
  }
}

/** Whether real path `p` lies inside (or is) real folder `dir`. */
function within(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * An output folder: BAD_ARGUMENT when it exists and is not a folder, when one of the `names` the
 * command writes into it is an input, or when an input lies anywhere under its `subfolders`.
 */
export function guardOutputFolder(inputs: readonly FileRef[], option: string, dir: string, names: readonly string[], subfolders: readonly string[] = []): void {
  const id = identity(dir);
  if (id.st && !id.st.isDirectory()) fail("BAD_ARGUMENT", `${option} '${dir}' is a file, not a folder; give a new or existing folder for the files it writes`);
  guardOutputs(inputs, names.map((n) => ({ option: `${option} (its ${n})`, file: path.join(dir, n) })));
  for (const i of inputs) {
    if (!isFilePath(i.file)) continue;
    const f = identity(i.file);
    if (!f.st) continue;
    for (const sub of subfolders) {
      if (within(identity(path.join(dir, sub)).real, f.real)) {
        fail("BAD_ARGUMENT", `the ${i.option} '${i.file}' lies in ${path.join(dir, sub)}, which ${option} writes; move it or choose another ${option}`);
      }
    }
  }
}

/** The most bytes one output (a JSON result, a picture) may take unless a command says otherwise: 256 MiB. */
export const MAX_OUTPUT_BYTES = 256 * 2 ** 20;

/** The size of an output for messages: "1.2 GiB", "43.0 MiB". */
export function fmtBytes(n: number): string {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

function tempOf(file: string): string {
  const abs = path.resolve(file);
  return path.join(path.dirname(abs), `.${path.basename(abs)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/**
 * The outputs of one command, all or nothing: each is written to a temporary sibling as soon as it is
 * ready, and commit() renames them all into place at the very end (synchronously, so no signal
 * handler runs between two renames). A failure or an interrupt before that removes the temporaries.
 */
export class OutputStage {
  private staged: { tmp: string; file: string }[] = [];
  private readonly unregister: () => void;

  constructor() {
    this.unregister = onCleanup(() => this.discard());
  }

  /** Stage `data` for `file`. */
  async put(file: string, data: string | Uint8Array): Promise<void> {
    await this.write(file, async (fh) => { await fh.writeFile(data); });
  }

  /**
   * Stage the JSON text of `value` for `file`, streamed in chunks (never one string); more than
   * `maxBytes` is LIMIT_EXCEEDED saying what to do (`raise`: "raise --max-output-mb ...").
   */
  async putJson(file: string, value: unknown, maxBytes: number, raise: string): Promise<void> {
    await this.write(file, async (fh) => { await streamJson(value, maxBytes, raise, async (s) => { await fh.write(s); }); });
  }

  private async write(file: string, fill: (fh: FileHandle) => Promise<void>): Promise<void> {
    const tmp = tempOf(file);
    this.staged.push({ tmp, file });
    let fh: FileHandle | undefined;
    try {
      fh = await fsp.open(tmp, "wx");
      await fill(fh);
    } catch (e) {
      // File-system failures are IO_ERROR; anything else is a bug and stays itself (INTERNAL).
      if (isNetsizeError(e) || (e as NodeJS.ErrnoException).syscall === undefined) throw e;
      fail("IO_ERROR", `cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; check the folder exists and is writable`, { file });
    } finally {
      await fh?.close();
    }
  }

  /** Rename every staged output into place; the command's outputs now all exist. */
  commit(): void {
    try {
      for (const s of this.staged) renameSync(s.tmp, s.file);
    } catch (e) {
      this.discard();
      fail("IO_ERROR", `cannot write: ${(e as Error).message}; check the folder exists and is writable`);
    }
    if (this.staged.length) markCommitted();
    this.staged = [];
    this.unregister();
  }

  /** Remove every staged temporary file (nothing of the command's outputs is left). */
  discard(): void {
    for (const s of this.staged) rmSync(s.tmp, { force: true });
    this.staged = [];
  }
}

/** Stream the JSON text of `value` (see jsonChunks) through `write` in pieces of about 1 MiB, newline-terminated. */
export async function streamJson(value: unknown, maxBytes: number, raise: string, write: (s: string) => Promise<void>): Promise<number> {
  let buf = "", bytes = 0;
  const flush = async (): Promise<void> => {
    bytes += Buffer.byteLength(buf);
    if (bytes > maxBytes) {
      fail("LIMIT_EXCEEDED", `the JSON result is larger than ${fmtBytes(maxBytes)} (written so far: ${fmtBytes(bytes)}); nothing was written — ${raise}`);
    }
    await write(buf);
    buf = "";
  };
  for (const c of jsonChunks(value)) {
    buf += c;
    if (buf.length >= 1 << 20) await flush();
  }
  buf += "\n";
  await flush();
  return bytes;
}

/** Write the JSON text of `value` to stdout in chunks, waiting for the pipe to drain. */
export async function jsonToStdout(value: unknown, maxBytes: number, raise: string): Promise<void> {
  await streamJson(value, maxBytes, raise, async (s) => {
    if (!process.stdout.write(s)) await once(process.stdout, "drain");
  });
}
