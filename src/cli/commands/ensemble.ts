// `netsize ensemble MODEL --data SPEC [--test-data SPEC]`: Olson et al.'s ensemble view — the output layer
// split by an LP into K sub-networks whose average is the network; their errors and correlations.
import { DESCRIPTIONS } from "./descriptions.js";
import path from "node:path";
import { Command } from "commander";
import { fail, printable } from "../../core/errors.js";
import type { Dataset } from "../../data/dataset.js";
import { ensembleLens } from "../../lenses/registry.js";
import { EnsembleOptions, EnsembleResult, margins, memberOutputs, pearson, residuals } from "../../lenses/shallow/index.js";
import { addDataOptions, dataInputs, loadData, DataCliOptions } from "../data-options.js";
import { action } from "../errors.js";
import { CommandFiles } from "../outputs.js";
import { withProgress } from "../progress.js";
import { runLens } from "../run-lens.js";
import { emitResult, fmtInt, formatTable, lensDefault, parseIntOption, parseNumberOption } from "../shared.js";
import type { Network } from "../../core/network.js";

interface EnsembleCliOptions extends DataCliOptions {
  testData?: string;
  members?: string;
  support?: string;
  margin?: string;
  weightBound?: string;
  seed?: string;
  timeLimit?: string;
  json?: string | boolean;
  quiet?: boolean;
}

const O = ensembleLens.options;

/** Each member's error on held-out data and the mean pairwise correlation of their residuals there. */
export interface EnsembleTest {
  data: string;
  samples: number;
  networkError: number;
  memberErrors: number[];
  meanResidualCorrelation: number;
}

/** The members evaluated on another labelled set. */
export function ensembleTest(net: Network, r: EnsembleResult, ds: Dataset): EnsembleTest {
  const outs = memberOutputs(net, r, ds), labels = ds.labels!, C = r.outputs, K = outs.length;
  const avg = new Float64Array(outs[0]!.length);
  for (const o of outs) for (let i = 0; i < avg.length; i++) avg[i]! += o[i]! / K;
  const err = (o: Float64Array): number => Array.from(margins(o, labels, C)).filter((v) => !(v > 0)).length / ds.n;
  const res = outs.map((o) => residuals(o, labels, C));
  let s = 0, c = 0;
  for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) { s += pearson(res[a]!, res[b]!) ?? 0; c++; }
  return { data: ds.name, samples: ds.n, networkError: err(avg), memberErrors: outs.map(err), meanResidualCorrelation: c ? s / c : 1 };
}

const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;

/** The human summary: the setting, one row per member, the correlations. */
export function renderEnsemble(r: EnsembleResult, model: string, test?: EnsembleTest): string {
  let text = `ensemble decomposition of ${printable(model, 120)} on ${printable(r.data, 80)} (${fmtInt(r.samples)} samples, ${fmtInt(r.params)} parameters = ${r.paramsPerSample.toFixed(0)} per sample)\n`;
  text += `${r.members.length} sub-networks, each on ${r.unitsPerMember} of the ${r.hiddenUnits} last-hidden units (every unit in ${r.membersPerUnit}); margin m = ${r.margin.toPrecision(3)}; LP ${fmtInt(r.lp.variables)} variables × ${fmtInt(r.lp.rows)} rows, ${r.lp.seconds.toFixed(1)} s\n`;
  text += `their average reproduces the network on the training points to ${r.maxAbsDiff.toExponential(1)}\n\n`;
  const rows = r.members.map((m, k) => [String(k), pct(m.error), m.hinge.toFixed(3), ...(test ? [pct(test.memberErrors[k]!)] : []),
    (r.residualCorrelation[k]!.reduce((a, v, j) => a + (j === k ? 0 : v), 0) / Math.max(1, r.members.length - 1)).toFixed(2)]);
  rows.push(["network", pct(r.networkError), "", ...(test ? [pct(test.networkError)] : []), ""]);
  text += formatTable(["member", "train error", "hinge", ...(test ? ["test error"] : []), "mean ρ with others"], rows);
  text += `mean member training error ${pct(r.meanMemberError)}, majority vote ${pct(r.voteError)}; mean pairwise correlation of residuals 1 − p(y|x): ${r.meanResidualCorrelation.toFixed(3)} (train)${test ? `, ${test.meanResidualCorrelation.toFixed(3)} (test, ${fmtInt(test.samples)} samples of ${printable(test.data, 60)})` : ""}\n`;
  return text;
}

/** Register `netsize ensemble`. */
export function register(program: Command): void {
  const cmd = program
    .command("ensemble")
    .description(DESCRIPTIONS.ensemble)
    .argument("<model>", "ONNX or netsize JSON model whose last layer is dense");
  addDataOptions(cmd, "the training data the decomposition fits")
    .option("--test-data <spec>", "held-out data to evaluate the members on (same forms as --data)")
    .option("--members <k>", O.members.description, lensDefault(O.members))
    .option("--support <p>", O.support.description, lensDefault(O.support))
    .option("--margin <m>", O.margin.description, lensDefault(O.margin))
    .option("--weight-bound <w>", O.weightBound.description, lensDefault(O.weightBound))
    .option("--seed <n>", O.seed.description, lensDefault(O.seed))
    .option("--time-limit <s>", O.timeLimit.description, lensDefault(O.timeLimit))
    .option("--json [file]", "write the result JSON (schema netsize.ensemble/1) to a file, or stdout without one")
    .option("--quiet", "no progress bar")
    .action(action(async (model: string, opts: EnsembleCliOptions) => {
      const files = new CommandFiles([{ option: "model", file: model }, ...dataInputs(opts), { option: "--test-data file", file: opts.testData }], [{ option: "--json", file: opts.json }]);
      const net = await files.loadNetwork(model);
      if (opts.data === undefined) fail("BAD_ARGUMENT", "give the training data: --data SPEC (e.g. 'moons:n=300,noise=0.2,flip=0.15' or a CSV/NPY file)");
      const ds = loadData(opts);
      const num = (v: string | undefined, name: string): number | undefined => parseNumberOption(v, name);
      const o: EnsembleOptions = {
        ...(opts.members !== undefined ? { members: parseIntOption(opts.members, "--members", { min: 2, max: 256 })! } : {}),
        ...(opts.support !== undefined ? { support: num(opts.support, "--support")! } : {}),
        ...(opts.margin !== undefined ? { margin: num(opts.margin, "--margin")! } : {}),
        ...(opts.weightBound !== undefined ? { weightBound: num(opts.weightBound, "--weight-bound")! } : {}),
        ...(opts.seed !== undefined ? { seed: parseIntOption(opts.seed, "--seed", { min: 0 })! } : {}),
        ...(opts.timeLimit !== undefined ? { timeLimit: num(opts.timeLimit, "--time-limit")! } : {}),
      };
      const r = await withProgress("ensemble", { quiet: opts.quiet ?? false }, (onProgress) => runLens("ensemble", net, ds, o, { onProgress }));
      const test = opts.testData !== undefined ? ensembleTest(net, r, loadData(opts, opts.testData)) : undefined;
      await emitResult({ json: opts.json, quiet: true }, { ...r, model, ...(test ? { test } : {}) }, renderEnsemble(r, path.basename(model), test));
    }));
}
