// A training run: resolve the config, build data, model and optimiser, train with snapshots and
// checkpoints, and (with an output folder) keep config.json, metrics.jsonl, snapshots/ and checkpoint/.
import { existsSync, promises as fs } from "node:fs";
import path from "node:path";
import { fail, isNetsizeError, NetsizeError } from "../core/errors.js";
import { LensContext, since } from "../core/lens.js";
import { Network, inputSize as netInputSize } from "../core/network.js";
import { createRng } from "../core/random.js";
import { writeFileAtomic } from "../node/atomic.js";
import { MAX_TEXT_BYTES, readRegularText } from "../node/read.js";
import { tf, initBackend } from "./backend.js";
import { parseArch, archOutputSize } from "./arch.js";
import { RESUMABLE_KEYS, TrainConfig, epochSnapshotDue, resolveConfig, stepSnapshotDue } from "./config.js";
import { checkDataFits, resolveTrainData } from "./data.js";
import { exportNetwork } from "./export.js";
import { initParams } from "./init/index.js";
import { paramCount } from "./init/params.js";
import { EpochMetrics, LoopConfig, LoopState, TensorData, batchesPerEpoch, deriveSeed, disposeData, initialLoopState, tensorData, trainLoop } from "./loop.js";
import { TrainModel, createModel, disposeModel, readParams } from "./model.js";
import { createOptimizer, restoreOptimizerState, saveOptimizerState } from "./optimizers.js";
import { SnapshotInfo, readCheckpoint, readVariables, snapshotName, writeCheckpoint, writeSnapshot, writeVariables } from "./snapshot.js";
import { HypercoreSummary, hypercoreReinit } from "./hcore-init.js";
import { paramsFromNetwork } from "./init-from.js";
import { loadNetwork } from "../node/files.js";

/** Where a run writes, and whether it continues an interrupted one. */
export interface TrainOptions {
  /** Run folder (config.json, metrics.jsonl, snapshots/, checkpoint/); without it nothing is written and snapshots stay in memory. */
  out?: string;
  /** Continue the run in `out` from its checkpoint (settings from its config.json; only RESUMABLE_KEYS may change). */
  resume?: boolean;
}

/** The JSON result of a run (also what `netsize train` prints). */
export interface TrainResult {
  schema: "netsize.train/1";
  config: TrainConfig;
  seed: number;
  backend: string;
  task: "classification" | "regression";
  data: { train: string; test?: string; trainSize: number; testSize?: number };
  params: number;
  epochs: EpochMetrics[];
  final?: EpochMetrics;
  snapshots: SnapshotInfo[];
  hypercore?: HypercoreSummary;
  resumedFrom?: { epoch: number; step: number };
  out?: string;
  /** Milliseconds: total and the training loop; plus the median seconds per epoch. */
  timings: { total: number; train: number; medianEpochSeconds?: number };
}

/** A finished run: its result, the final network, and (without an output folder) the snapshot networks. */
export interface TrainRun {
  result: TrainResult;
  network: Network;
  snapshots: { info: SnapshotInfo; network: Network }[];
}

const CONFIG = "config.json", METRICS = "metrics.jsonl", INDEX = path.join("snapshots", "index.json");

const readText = (file: string, what: string): string =>
  readRegularText(file, { maxBytes: MAX_TEXT_BYTES, what, code: "BAD_DATA", limitName: "MAX_TEXT_BYTES" });

async function readJson<T>(file: string): Promise<T | undefined> {
  if (!existsSync(file)) return undefined;
  const text = readText(file, "the run's settings");
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    fail("BAD_DATA", `unreadable: ${(e as Error).message}`, { file });
  }
}

async function readMetrics(out: string, upToStep: number): Promise<EpochMetrics[]> {
  const file = path.join(out, METRICS);
  if (!existsSync(file)) return [];
  const text = readText(file, "the run's metrics");
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as EpochMetrics).filter((m) => m.step <= upToStep);
}

/** The settings of a resumed run: the saved ones, with only resumable keys taken from `given`. */
function mergeResume(saved: TrainConfig, given: Partial<TrainConfig>, file: string): TrainConfig {
  const merged = { ...saved };
  for (const [k, v] of Object.entries(given) as [keyof TrainConfig, unknown][]) {
    if (v === undefined) continue;
    if (RESUMABLE_KEYS.includes(k)) (merged as Record<string, unknown>)[k] = v;
    else if (JSON.stringify(v) !== JSON.stringify(saved[k])) {
      fail("BAD_ARGUMENT", `--resume keeps the run's settings; ${k} was ${JSON.stringify(saved[k])}, got ${JSON.stringify(v)} (only ${RESUMABLE_KEYS.join(", ")} may change)`, { file });
    }
  }
  return merged;
}

/** Train a network (see TrainConfig); with `out`, keep a resumable run folder. */
export async function train(given: Partial<TrainConfig> & { arch?: string; data?: string }, opts: TrainOptions = {}, ctx: LensContext = {}): Promise<TrainRun> {
  const t0 = performance.now();
  const out = opts.out;
  let cfg: TrainConfig;
  if (opts.resume) {
    if (!out) fail("BAD_ARGUMENT", "--resume needs the run folder (--out)");
    const saved = await readJson<TrainConfig & { netsize?: unknown }>(path.join(out, CONFIG));
    if (!saved) fail("BAD_ARGUMENT", `no run to resume: ${path.join(out, CONFIG)} does not exist`);
    delete saved.netsize;
    cfg = resolveConfig(mergeResume(saved, given, path.join(out, CONFIG)));
  } else {
    if (given.arch === undefined || given.data === undefined) fail("BAD_ARGUMENT", "a run needs --arch and --data");
    cfg = resolveConfig(given as Partial<TrainConfig> & { arch: string; data: string });
    if (out && (await readJson(path.join(out, CONFIG)))) fail("BAD_ARGUMENT", `${out} already holds a run; continue it with --resume or choose another --out`);
  }
  const backend = await initBackend(cfg.backend);
  const arch = parseArch(cfg.arch, { activation: cfg.activation, activationParams: cfg.activationParams, norm: cfg.norm, dropout: cfg.dropout });
  const data = resolveTrainData(cfg.data, cfg.testData, cfg.labelColumn);
  const inSize = arch.inputShape.reduce((a, b) => a * b, 1), outSize = archOutputSize(arch);
  checkDataFits(data, inSize, outSize);
  const loss = cfg.loss === "auto" ? (data.task === "classification" ? "ce" : "mse") : cfg.loss;
  if (loss === "ce" && data.task !== "classification") fail("BAD_ARGUMENT", "cross-entropy needs labelled data; use --loss mse for regression targets");
  const batch = cfg.batch === 0 ? data.train.n : cfg.batch;
  if (cfg.steps !== undefined && !opts.resume) {
    const nb = batchesPerEpoch(data.train.n, batch);
    if (cfg.steps % nb !== 0) fail("BAD_ARGUMENT", `--steps ${cfg.steps} is not a whole number of epochs of ${nb} steps (${data.train.n} samples, batch ${batch}); use a multiple of ${nb} or --batch full`);
    cfg.epochs = cfg.steps / nb;
  }
  const loopCfg: LoopConfig = { ...cfg, batch, loss };
  const toTensors = (ds: typeof data.train): TensorData =>
    tensorData(ds.x, ds.n, inSize, ds.labels ? { labels: ds.labels, classes: outSize } : { y: ds.y!, size: outSize });
  const train = toTensors(data.train);
  const test = data.test ? toTensors(data.test) : undefined;
  const params = cfg.initFrom !== undefined
    ? paramsFromNetwork(arch, await loadNetwork(cfg.initFrom), cfg.initFrom)
    : initParams(arch, {
      scheme: cfg.init, gamma: cfg.initGamma, rewire: cfg.rewire, stabilize: cfg.stabilize,
      ...(cfg.biasStd !== undefined ? { biasStd: cfg.biasStd } : {}), ...(cfg.initStd !== undefined ? { std: cfg.initStd } : {}),
    }, createRng(deriveSeed(cfg.seed, 0)));
  if (!cfg.outputBias) params.affine[params.affine.length - 1]!.bias.fill(0);
  const model: TrainModel = createModel(arch, params, { outputBias: cfg.outputBias });
  let opt = createOptimizer(cfg);
  const metrics: EpochMetrics[] = [];
  const snapshots: SnapshotInfo[] = [];
  const memory: { info: SnapshotInfo; network: Network }[] = [];
  let state: LoopState = initialLoopState();
  let resumedFrom: TrainResult["resumedFrom"];
  let hypercore: HypercoreSummary | undefined;
  try {
    const ck = opts.resume ? await readCheckpoint(out!) : undefined;
    if (ck) {
      writeVariables(model, ck.variables);
      if (ck.optimizer.iterations > 0) await restoreOptimizerState(opt, ck.optimizer);
      state = ck.state;
      resumedFrom = { epoch: state.epoch, step: state.step };
      for (const m of await readMetrics(out!, state.step)) metrics.push(m);
      const idx = (await readJson<SnapshotInfo[]>(path.join(out!, INDEX))) ?? [];
      for (const s of idx) if (s.step <= state.step) snapshots.push(s);
    } else {
      if (out) {
        await fs.mkdir(out, { recursive: true });
        await fs.rm(path.join(out, METRICS), { force: true });
        await writeFileAtomic(path.join(out, CONFIG), JSON.stringify({ ...cfg, netsize: { schema: "netsize.train.config/1", backend } }, null, 2) + "\n");
      }
      if (cfg.hypercoreEpochs > 0) {
        const pre = { ...loopCfg, seed: deriveSeed(cfg.seed, 99) };
        const preCtx: LensContext = { ...ctx, onProgress: (p) => ctx.onProgress?.({ ...p, stage: `hypercore pretraining ${p.stage ?? ""}` }) };
        await trainLoop(model, opt, train, undefined, pre, cfg.hypercoreEpochs, initialLoopState(), {}, preCtx);
        hypercore = hypercoreReinit(model, cfg, createRng(deriveSeed(cfg.seed, 3)));
        opt.dispose();
        opt = createOptimizer(cfg);
      }
    }
    const meta = (s: LoopState): Record<string, unknown> => ({
      epoch: s.epoch, step: s.step, seed: cfg.seed, activation: cfg.activation, norm: cfg.norm, data: cfg.data,
      trainer: `netsize train (TensorFlow.js ${backend})`,
    });
    const snapshot = async (kind: "epoch" | "step", s: LoopState): Promise<void> => {
      const name = snapshotName(kind, s.epoch, s.step);
      const net = exportNetwork(arch, readParams(model), meta(s));
      const info: SnapshotInfo = { name, epoch: s.epoch, step: s.step, files: [] };
      if (out) {
        info.files = await writeSnapshot(out, name, net, cfg.formats);
        snapshots.push(info);
        await writeFileAtomic(path.join(out, INDEX), JSON.stringify(snapshots, null, 1));
      } else {
        snapshots.push(info);
        memory.push({ info, network: net });
      }
    };
    const checkpoint = async (s: LoopState): Promise<void> => {
      if (!out) return;
      await writeCheckpoint(out, {
        schema: "netsize.train.checkpoint/1", state: s, variables: await readVariables(model),
        optimizer: s.step > 0 ? await saveOptimizerState(opt) : { iterations: 0, slots: [] },
      });
    };
    if (!ck) {
      if (epochSnapshotDue(cfg, 0)) await snapshot("epoch", state);
      if (stepSnapshotDue(cfg, 0)) await snapshot("step", state);
      await checkpoint(state);
    }
    const tTrain = performance.now();
    try {
      state = await trainLoop(model, opt, train, test, loopCfg, cfg.epochs, state, {
        stepDue: (step) => stepSnapshotDue(cfg, step),
        afterStep: async (s) => { await snapshot("step", s); await checkpoint(s); },
        afterEpoch: async (s, m) => {
          metrics.push(m);
          if (out) await writeFileAtomic(path.join(out, METRICS), metrics.map((x) => JSON.stringify(x)).join("\n") + "\n");
          if (epochSnapshotDue(cfg, s.epoch)) await snapshot("epoch", s);
          await checkpoint(s);
        },
        onAbort: checkpoint,
      }, ctx);
    } catch (e) {
      if (isNetsizeError(e, "ABORTED") && out) {
        throw new NetsizeError("ABORTED", `interrupted; a checkpoint was written to ${path.join(out, "checkpoint")}: continue with --resume --out ${out}`);
      }
      throw e;
    }
    const trainMs = since(tTrain);
    const network = exportNetwork(arch, readParams(model), meta(state));
    if (netInputSize(network) !== inSize) fail("TRAIN_ERROR", "exported network input size differs from the architecture");
    const secs = metrics.map((m) => m.seconds).sort((a, b) => a - b);
    const result: TrainResult = {
      schema: "netsize.train/1", config: cfg, seed: cfg.seed, backend, task: data.task,
      data: { ...data.description, trainSize: data.train.n, ...(data.test ? { testSize: data.test.n } : {}) },
      params: paramCount(params), epochs: metrics, ...(metrics.length ? { final: metrics[metrics.length - 1] } : {}),
      snapshots, ...(hypercore ? { hypercore } : {}), ...(resumedFrom ? { resumedFrom } : {}), ...(out ? { out } : {}),
      timings: { total: since(t0), train: trainMs, ...(secs.length ? { medianEpochSeconds: secs[Math.floor(secs.length / 2)]! } : {}) },
    };
    if (out) await writeFileAtomic(path.join(out, "result.json"), JSON.stringify(result, null, 2) + "\n");
    return { result, network, snapshots: memory };
  } finally {
    opt.dispose();
    disposeModel(model);
    disposeData(train);
    if (test) disposeData(test);
    void tf;
  }
}
