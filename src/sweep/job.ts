// One sweep job: train with the training lab (in memory), then run each of the plan's lenses from
// the registry on each kept snapshot; the output is plain JSON (it crosses process and Redis
// boundaries) holding the metrics per epoch and every lens result with its headline scalars.
import { parseBoxSpec } from "../core/domain-spec.js";
import { isNetsizeError, NetsizeError } from "../core/errors.js";
import type { LensContext } from "../core/lens.js";
import { inputSize, type Network } from "../core/network.js";
import type { Dataset } from "../data/dataset.js";
import { lensNamed } from "../lenses/registry.js";
import { planeThrough } from "../lenses/regions/index.js";
import { readTextFile } from "../node/files.js";
import { existsSync } from "node:fs";
import { train, type EpochMetrics } from "../train/index.js";
import { resolveTrainData } from "../train/data.js";
import { headlineScalars } from "./headline.js";
import type { LensSpec, SweepJob } from "./plan.js";

/** One lens result of one snapshot. */
export interface LensRow {
  epoch: number;
  step: number;
  lens: string;
  /** Position of the lens in the plan's list (a plan may run one lens twice with other options). */
  index: number;
  /** The result as JSON text. */
  json: string;
  scalars: Record<string, number>;
  seconds: number;
}

/** What a job produces. */
export interface JobOutput {
  id: string;
  metrics: EpochMetrics[];
  rows: LensRow[];
  params: number;
  seconds: number;
}

/** Typed arrays as plain arrays (as the CLI writes results). */
const replacer = (_k: string, v: unknown): unknown => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v);

const SPEC_FILES = { readText: readTextFile, exists: (f: string) => existsSync(f) };

/** The input a lens spec names, for a network of `net`'s inputs and the job's data. */
function lensInput(spec: LensSpec, net: Network, data: () => { train: Dataset; test?: Dataset }, dataSpec: (s: string) => Dataset): unknown {
  if (spec.plane) return planeThrough(spec.plane[0]!, spec.plane[1]!, spec.plane[2]!);
  if (spec.line) return { points: spec.line.map((p) => Float64Array.from(p)) };
  if (spec.box !== undefined) return parseBoxSpec(spec.box, inputSize(net), SPEC_FILES);
  if (spec.data !== undefined) {
    if (spec.data === "train") return data().train;
    if (spec.data === "test") {
      const t = data().test;
      if (!t) throw new NetsizeError("BAD_ARGUMENT", `lens ${spec.lens}: data 'test' but the job's data have no test set`);
      return t;
    }
    return dataSpec(spec.data);
  }
  return undefined;
}

/** Run one job (train, then the lenses on every kept snapshot). Any error fails the whole job, naming the lens and snapshot. */
export async function runJob(job: SweepJob, ctx: LensContext = {}): Promise<JobOutput> {
  const t0 = performance.now();
  const run = await train(job.train, {}, { ...(ctx.signal ? { signal: ctx.signal } : {}), ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}) });
  let cached: { train: Dataset; test?: Dataset } | undefined;
  const data = (): { train: Dataset; test?: Dataset } => (cached ??= resolveTrainData(job.train.data, job.train.testData, job.train.labelColumn));
  const dataSpec = (s: string): Dataset => resolveTrainData(s, undefined, job.train.labelColumn).train;
  const rows: LensRow[] = [];
  const snaps = run.snapshots.filter((s) => job.snapshots.includes(s.info.epoch));
  for (const snap of snaps) {
    for (let i = 0; i < job.lenses.length; i++) {
      const spec = job.lenses[i]!;
      const lens = lensNamed(spec.lens)!;
      const where = `lens ${spec.lens} on snapshot ${snap.info.name}`;
      const applies = lens.applies?.(snap.network) ?? true;
      if (applies !== true) throw new NetsizeError("BAD_ARGUMENT", `${where}: does not apply: ${applies}`);
      const t1 = performance.now();
      let result: unknown;
      try {
        result = await lens.run(snap.network, lensInput(spec, snap.network, data, dataSpec), spec.options ?? {}, ctx);
      } catch (e) {
        if (isNetsizeError(e)) throw new NetsizeError(e.code, `${where}: ${e.message}`);
        throw e;
      }
      rows.push({
        epoch: snap.info.epoch, step: snap.info.step, lens: spec.lens, index: i,
        json: JSON.stringify(result, replacer), scalars: headlineScalars(spec.lens, result), seconds: (performance.now() - t1) / 1000,
      });
    }
  }
  return { id: job.id, metrics: run.result.epochs, rows, params: run.result.params, seconds: (performance.now() - t0) / 1000 };
}
