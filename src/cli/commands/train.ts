// `netsize train --arch ... --data ...`: the training lab on TensorFlow.js, writing a run folder
// (config.json, metrics.jsonl, snapshots/ as netsize JSON + ONNX, checkpoint/ for --resume).
import { DESCRIPTIONS } from "./descriptions.js";
import path from "node:path";
import { Command } from "commander";
import { action } from "../errors.js";
import { FileRef, guardOutputFolder, guardOutputs, isFilePath, jsonToStdout, MAX_OUTPUT_BYTES, OutputStage } from "../outputs.js";
import { progressBar } from "../progress.js";
import { parseChoice, parseIntOption, parseNumberOption } from "../shared.js";
import { fail } from "../../core/errors.js";
import { ActivationName } from "../../core/activations.js";
import { ARCH_HELP, NORM_KINDS } from "../../train/arch.js";
import { BACKENDS } from "../../train/backend.js";
import { TrainConfig } from "../../train/config.js";
import { INIT_SCHEMES } from "../../train/init/index.js";
import { OPTIMIZERS } from "../../train/optimizers.js";
import { TrainResult, train } from "../../train/run.js";
import { SYNTHETIC } from "../../data/synthetic.js";

/** Raw option strings of `netsize train`. */
interface TrainCliOptions {
  arch?: string; data?: string; testData?: string; labelColumn?: string;
  activation?: string; alpha?: string; norm?: string; dropout?: string;
  init?: string; initGamma?: string; biasStd?: string; initStd?: string; initFrom?: string; outputBias?: boolean; adamEps?: string; steps?: string; rewire?: string; stabilize?: string; hypercore?: string; hypercoreLambda?: string;
  loss?: string; optimizer?: string; lr?: string; momentum?: string; weightDecay?: string; lrStep?: string; lrGamma?: string;
  l1?: string; l2?: string; epochs?: string; batch?: string; seed?: string;
  snapshots?: string; snapshotSteps?: string; snapshotEvery?: string; formats?: string;
  backend?: string; out?: string; resume?: boolean; json?: string | boolean; quiet?: boolean;
}

function intList(value: string | undefined, option: string): number[] | undefined {
  if (value === undefined) return undefined;
  return value.split(",").filter((s) => s.trim() !== "").map((s) => parseIntOption(s.trim(), option, { min: 0 })!);
}

/** Turn the options the user gave into a partial TrainConfig (absent options stay absent, so --resume can tell). */
export function configFromOptions(o: TrainCliOptions): Partial<TrainConfig> {
  const c: Partial<TrainConfig> = {};
  const set = <K extends keyof TrainConfig>(k: K, v: TrainConfig[K] | undefined): void => { if (v !== undefined) c[k] = v; };
  set("arch", o.arch); set("data", o.data); set("testData", o.testData); set("labelColumn", o.labelColumn);
  set("activation", o.activation as ActivationName | undefined);
  if (o.alpha !== undefined) c.activationParams = { alpha: parseNumberOption(o.alpha, "--alpha")! };
  set("norm", parseChoice(o.norm, "--norm", NORM_KINDS));
  set("dropout", parseNumberOption(o.dropout, "--dropout"));
  set("init", parseChoice(o.init, "--init", INIT_SCHEMES));
  set("initGamma", parseNumberOption(o.initGamma, "--init-gamma"));
  set("biasStd", parseNumberOption(o.biasStd, "--bias-std"));
  set("initStd", parseNumberOption(o.initStd, "--init-std"));
  set("initFrom", o.initFrom);
  if (o.outputBias === false) c.outputBias = false;
  set("epsilon", parseNumberOption(o.adamEps, "--adam-eps"));
  set("steps", parseIntOption(o.steps, "--steps", { min: 0 }));
  set("rewire", parseChoice(o.rewire, "--rewire", ["none", "pa"] as const));
  set("stabilize", parseIntOption(o.stabilize, "--stabilize", { min: 1 }));
  set("hypercoreEpochs", parseIntOption(o.hypercore, "--hypercore", { min: 0 }));
  set("hypercoreLambda", parseNumberOption(o.hypercoreLambda, "--hypercore-lambda"));
  set("loss", parseChoice(o.loss, "--loss", ["auto", "ce", "mse"] as const));
  set("optimizer", parseChoice(o.optimizer, "--optimizer", OPTIMIZERS));
  set("lr", parseNumberOption(o.lr, "--lr"));
  set("momentum", parseNumberOption(o.momentum, "--momentum"));
  set("weightDecay", parseNumberOption(o.weightDecay, "--weight-decay"));
  set("lrStep", parseIntOption(o.lrStep, "--lr-step", { min: 0 }));
  set("lrGamma", parseNumberOption(o.lrGamma, "--lr-gamma"));
  set("l1", parseNumberOption(o.l1, "--l1"));
  set("l2", parseNumberOption(o.l2, "--l2"));
  set("epochs", parseIntOption(o.epochs, "--epochs", { min: 0 }));
  set("batch", o.batch === "full" ? 0 : parseIntOption(o.batch, "--batch", { min: 1 }));
  set("seed", parseIntOption(o.seed, "--seed", { min: 0, max: 0xffffffff }));
  set("snapshots", intList(o.snapshots, "--snapshots"));
  set("snapshotSteps", intList(o.snapshotSteps, "--snapshot-steps"));
  if (o.snapshotEvery !== undefined) {
    const m = /^(\d+)\s*(steps?|s)?$/.exec(o.snapshotEvery.trim());
    if (!m) fail("BAD_ARGUMENT", `--snapshot-every takes N (epochs) or Nsteps, got '${o.snapshotEvery}'`);
    if (m[2]) c.snapshotEverySteps = Number(m[1]); else c.snapshotEvery = Number(m[1]);
  }
  if (o.formats !== undefined) c.formats = o.formats.split(",").map((f) => parseChoice(f.trim(), "--formats", ["json", "onnx"] as const)!);
  set("backend", parseChoice(o.backend, "--backend", BACKENDS));
  return c;
}

function summary(r: TrainResult, seconds: number): string {
  const f = r.final;
  const pct = (x: number | undefined): string => (x === undefined ? "—" : `${(100 * x).toFixed(2)} %`);
  let s = `${r.config.arch} on ${r.data.train} (${r.data.trainSize} samples), ${r.epochs.length} epochs, seed ${r.seed}, ${r.backend}\n`;
  if (f) {
    s += r.task === "classification"
      ? `final: loss ${f.loss.toPrecision(4)}, train accuracy ${pct(f.accuracy)}, test accuracy ${pct(f.testAccuracy)}\n`
      : `final: train loss ${f.loss.toPrecision(4)}${f.testLoss !== undefined ? `, test loss ${f.testLoss.toPrecision(4)}` : ""}\n`;
  }
  s += `time ${seconds.toFixed(1)} s${r.timings.medianEpochSeconds !== undefined ? `, median ${r.timings.medianEpochSeconds.toFixed(3)} s per epoch` : ""}`;
  s += r.out ? `; run folder ${r.out} (${r.snapshots.length} snapshots)\n` : "\n";
  return s;
}

/** Register `netsize train`. */
export function register(program: Command): void {
  program
    .command("train")
    .description(DESCRIPTIONS.train)
    .option("--arch <spec>", ARCH_HELP)
    .option("--data <spec>", `mnist (train 8,000 / test 2,000), a synthetic set (${Object.keys(SYNTHETIC).join(", ")}; e.g. 'moons:n=500,noise=0.2'), or a CSV/NPY file`)
    .option("--test-data <spec>", "test set (default: mnist's held-out digits; a fresh draw of a synthetic set)")
    .option("--label-column <col>", "label column of a CSV/NPY file (index or header name)")
    .option("--activation <name>", "relu, leakyrelu, abs, hardtanh, tanh, sigmoid, softplus, xtanh, x2tanh, gelu, silu, mish, elu (default relu)")
    .option("--alpha <a>", "leaky ReLU slope / ELU alpha")
    .option("--norm <kind>", "batch norm statistic: none, l2, l1, linf (Hoffer et al.; folded into the layers on export; default none)")
    .option("--dropout <p>", "dropout rate after each hidden activation (default 0)")
    .option("--init <scheme>", `${INIT_SCHEMES.join(", ")} (default he-normal)`)
    .option("--init-gamma <g>", "small init: std = fan_in^(-g) (default 2)")
    .option("--bias-std <s>", "bias std (default 0; small init draws biases like weights)")
    .option("--init-std <s>", "every weight and bias ~ N(0, s²) in every layer, whatever --init (Zhou et al.'s std = m^(-γ): 50^-4 = 1.6e-7); --bias-std overrides it for biases")
    .option("--init-from <model>", "start from this model's weights (netsize JSON or ONNX with the architecture's dense/conv shapes) instead of drawing them")
    .option("--no-output-bias", "no bias on the output layer (it stays 0, as in the condensation experiments)")
    .option("--rewire <how>", "none or pa (preferential-attachment rewiring, Scabini et al.)")
    .option("--stabilize <k>", "before PA rewiring keep the best of k draws by strength variance (default 1)")
    .option("--hypercore <epochs>", "Hcore-Init (reconstruction): pretrain this many epochs, re-initialise scaled by k-hypercore numbers")
    .option("--hypercore-lambda <l>", "hyperedge threshold as a fraction of the mean hyperedge degree (default 0.5)")
    .option("--loss <kind>", "auto (cross-entropy for labels, MSE for targets), ce, mse")
    .option("--optimizer <name>", "sgd (with momentum), adam, adamw (default adam)")
    .option("--lr <rate>", "learning rate (default 1e-3)")
    .option("--adam-eps <e>", "Adam's ε (default 1e-7, TensorFlow.js's; PyTorch uses 1e-8)")
    .option("--momentum <m>", "SGD momentum (default 0.9)")
    .option("--weight-decay <wd>", "decoupled weight decay (default 0; adamw 0.01)")
    .option("--lr-step <epochs>", "step schedule: multiply the rate by --lr-gamma every this many epochs")
    .option("--lr-gamma <g>", "step schedule factor (default 0.1)")
    .option("--l1 <lambda>", "L1 penalty lambda·Σ|W| over weight matrices, not biases (default 0)")
    .option("--l2 <lambda>", "L2 penalty (lambda/2)·ΣW² over weight matrices (default 0)")
    .option("--epochs <n>", "epochs (default 10)")
    .option("--batch <n>", "batch size, or 'full' for the whole training set (one step per epoch) (default 64)")
    .option("--steps <n>", "train exactly n optimiser steps (a whole number of epochs; with --batch full, n epochs)")
    .option("--seed <n>", "seed of initialisation, shuffling and dropout (default 0)")
    .option("--snapshots <epochs>", "snapshot after these epochs, e.g. 0,1,5,20 (0 = the initialisation; the last epoch always)")
    .option("--snapshot-steps <steps>", "snapshot after these optimiser steps, e.g. 0,10,100")
    .option("--snapshot-every <n>", "snapshot every n epochs, or every n steps with 'Nsteps'")
    .option("--formats <list>", "snapshot formats: json,onnx (default both)")
    .option("--backend <name>", "TensorFlow.js backend: wasm (default) or cpu")
    .option("--out <dir>", "run folder (config.json, metrics.jsonl, snapshots/, checkpoint/, result.json)")
    .option("--resume", "continue the interrupted run in --out from its checkpoint (--epochs may be raised)")
    .option("--json [file]", "write the result JSON (to stdout without a file)")
    .option("--quiet", "no progress bar")
    .action(
      action(async (opts: TrainCliOptions) => {
        const given = configFromOptions(opts);
        if (opts.resume && !opts.out) fail("BAD_ARGUMENT", "--resume needs --out (the run folder)");
        const inputs: FileRef[] = [{ option: "--data file", file: opts.data }, { option: "--test-data file", file: opts.testData }, { option: "--init-from model", file: opts.initFrom }];
        guardOutputs(inputs, [{ option: "--json", file: opts.json }]);
        // The run folder's own files (see train/run.ts); snapshots/ and checkpoint/ are rewritten as the run goes.
        if (opts.out) {
          guardOutputFolder(inputs, "--out", opts.out, ["config.json", "metrics.jsonl", "result.json"], ["snapshots", "checkpoint"]);
          guardOutputs([], [{ option: "--json", file: opts.json }, ...["config.json", "metrics.jsonl", "result.json"].map((n) => ({ option: `--out (its ${n})`, file: path.join(opts.out!, n) }))]);
        }
        const bar = progressBar("train", { quiet: opts.quiet });
        const ac = new AbortController();
        const onSig = (): void => ac.abort();
        process.once("SIGINT", onSig);
        const t0 = performance.now();
        try {
          const run = await train(given, { ...(opts.out ? { out: opts.out } : {}), ...(opts.resume ? { resume: true } : {}) },
            { signal: ac.signal, onProgress: bar.onProgress });
          bar.stop();
          if (isFilePath(opts.json)) {
            const stage = new OutputStage();
            await stage.putJson(opts.json, run.result, MAX_OUTPUT_BYTES, "ask for fewer snapshots");
            stage.commit();
          } else if (opts.json !== undefined) await jsonToStdout(run.result, MAX_OUTPUT_BYTES, "ask for fewer snapshots");
          if (opts.json === undefined || (typeof opts.json === "string" && opts.json !== "-")) {
            process.stdout.write(summary(run.result, (performance.now() - t0) / 1000));
          }
        } finally {
          bar.stop();
          process.removeListener("SIGINT", onSig);
        }
      }),
    );
}
