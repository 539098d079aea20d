// Snapshots (a trained state exported as netsize networks, JSON and ONNX) and checkpoints (the raw
// float32 variables, optimiser state and loop position that --resume continues from).
import { existsSync, promises as fs } from "node:fs";
import path from "node:path";
import { Network } from "../core/network.js";
import { fail } from "../core/errors.js";
import { saveNetwork } from "../node/files.js";
import { writeFileAtomic } from "../node/atomic.js";
import { MAX_MODEL_BYTES, MAX_TEXT_BYTES, readRegularFile, readRegularText } from "../node/read.js";
import { tf } from "./tf.js";
import { LoopState } from "./loop.js";
import { TrainModel, allVariables } from "./model.js";
import { OptimizerState } from "./optimizers.js";

/** Network file formats a snapshot can be written in. */
export type SnapshotFormat = "json" | "onnx";

/** Where a snapshot was taken and what was written. */
export interface SnapshotInfo {
  name: string;
  epoch: number;
  step: number;
  /** Paths relative to the run folder. */
  files: string[];
}

/** File stem of a snapshot: epoch-0005 after whole epochs, step-000123 otherwise. */
export function snapshotName(kind: "epoch" | "step", epoch: number, step: number): string {
  return kind === "epoch" ? `epoch-${String(epoch).padStart(4, "0")}` : `step-${String(step).padStart(6, "0")}`;
}

/** Write a snapshot network into <runDir>/snapshots in each format (atomically, via saveNetwork). */
export async function writeSnapshot(runDir: string, name: string, net: Network, formats: SnapshotFormat[]): Promise<string[]> {
  const dir = path.join(runDir, "snapshots");
  await fs.mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const f of formats) {
    const rel = path.join("snapshots", `${name}.${f}`);
    await saveNetwork(net, path.join(runDir, rel), { format: f });
    files.push(rel);
  }
  return files;
}

/** What a checkpoint holds besides its binary tensors. */
export interface Checkpoint {
  schema: "netsize.train.checkpoint/1";
  state: LoopState;
  /** Variables in allVariables order. */
  variables: Float32Array[];
  optimizer: OptimizerState;
}

interface CheckpointFile {
  schema: "netsize.train.checkpoint/1";
  state: LoopState;
  tensors: string;
  variables: { shape: number[]; offset: number; length: number }[];
  optimizer: { iterations: number; slots: { name: string; shape: number[]; offset: number; length: number }[] };
}

/** The variables of a model as host float32 arrays (allVariables order). */
export async function readVariables(model: TrainModel): Promise<Float32Array[]> {
  return Promise.all(allVariables(model).map(async (v) => Float32Array.from(await v.data())));
}

/** Overwrite a model's variables from host arrays (allVariables order), checking shapes. */
export function writeVariables(model: TrainModel, values: Float32Array[]): void {
  const vars = allVariables(model);
  if (vars.length !== values.length) fail("BAD_DATA", `checkpoint holds ${values.length} tensors, the model has ${vars.length}; it belongs to another architecture`);
  tf.tidy(() => vars.forEach((v, i) => {
    if (v.size !== values[i]!.length) fail("BAD_DATA", `checkpoint tensor ${i} has ${values[i]!.length} values, expected ${v.size}`);
    v.assign(tf.tensor(values[i]!, v.shape));
  }));
}

/**
 * Write a checkpoint into <runDir>/checkpoint: the tensors first (a file named by step), then
 * state.json pointing at it (atomic), then older tensor files are removed — so a crash at any
 * moment leaves a readable checkpoint.
 */
export async function writeCheckpoint(runDir: string, ck: Checkpoint): Promise<void> {
  const dir = path.join(runDir, "checkpoint");
  await fs.mkdir(dir, { recursive: true });
  const arrays = [...ck.variables, ...ck.optimizer.slots.map((s) => s.data)];
  const total = arrays.reduce((a, b) => a + b.length, 0);
  const all = new Float32Array(total);
  let o = 0;
  const place = (a: Float32Array): { offset: number; length: number } => { all.set(a, o); o += a.length; return { offset: o - a.length, length: a.length }; };
  const tensors = `tensors-${String(ck.state.step).padStart(8, "0")}.bin`;
  const meta: CheckpointFile = {
    schema: ck.schema, state: ck.state, tensors,
    variables: ck.variables.map((v) => ({ shape: [v.length], ...place(v) })),
    optimizer: { iterations: ck.optimizer.iterations, slots: ck.optimizer.slots.map((s) => ({ name: s.name, shape: s.shape, ...place(s.data) })) },
  };
  await writeFileAtomic(path.join(dir, tensors), new Uint8Array(all.buffer));
  await writeFileAtomic(path.join(dir, "state.json"), JSON.stringify(meta, null, 1));
  for (const f of await fs.readdir(dir)) {
    if (f.startsWith("tensors-") && f !== tensors) await fs.rm(path.join(dir, f), { force: true });
  }
}

/** Read the checkpoint of a run folder, or undefined when it has none. */
export async function readCheckpoint(runDir: string): Promise<Checkpoint | undefined> {
  const file = path.join(runDir, "checkpoint", "state.json");
  if (!existsSync(file)) return undefined;
  const text = readRegularText(file, { maxBytes: MAX_TEXT_BYTES, what: "the checkpoint", code: "BAD_DATA", limitName: "MAX_TEXT_BYTES" });
  let meta: CheckpointFile;
  try {
    meta = JSON.parse(text) as CheckpointFile;
  } catch (e) {
    fail("BAD_DATA", `unreadable checkpoint (${(e as Error).message}); start a new run in another --out folder`, { file });
  }
  if (meta.schema !== "netsize.train.checkpoint/1") fail("BAD_DATA", `unknown checkpoint schema '${meta.schema}'`, { file });
  const bin = path.join(runDir, "checkpoint", meta.tensors);
  // The tensors file is named by state.json: it must be a plain name inside checkpoint/, a regular file.
  if (typeof meta.tensors !== "string" || meta.tensors !== path.basename(meta.tensors) || meta.tensors.startsWith(".")) {
    fail("BAD_DATA", "the checkpoint names its tensors file outside checkpoint/; start a new run", { file });
  }
  const bytes = readRegularFile(bin, { maxBytes: MAX_MODEL_BYTES, what: "the checkpoint tensors (start a new run if they are lost)", code: "BAD_DATA", limitName: "MAX_MODEL_BYTES" });
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const take = (x: { offset: number; length: number }): Float32Array => {
    if (x.offset + x.length > all.length) fail("BAD_DATA", "checkpoint tensors are truncated", { file: bin });
    return all.slice(x.offset, x.offset + x.length);
  };
  return {
    schema: meta.schema, state: meta.state,
    variables: meta.variables.map(take),
    optimizer: { iterations: meta.optimizer.iterations, slots: meta.optimizer.slots.map((s) => ({ name: s.name, shape: s.shape, data: take(s) })) },
  };
}
