// What a command writes must never be what it reads: every output file is compared with every input
// file (same real path, or same device and inode for hard links) before any work, and two outputs
// may not name the same file. An output that does not exist yet cannot be an input.
import { realpathSync, Stats, statSync } from "node:fs";
import path from "node:path";
import { fail } from "../core/errors.js";
import { Network } from "../core/network.js";
import { loadNetwork } from "../node/files.js";

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
