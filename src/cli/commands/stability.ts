// `netsize stability MODEL --box 0:1 [--method ...]`: stably active / inactive / unstable units per layer on a domain.
import path from "node:path";
import { Command } from "commander";
import { loadNetwork } from "../../core/io/index.js";
import { inputSize, Network } from "../../core/network.js";
import { StabilityMethod, StabilityResult } from "../../lenses/stability/report.js";
import { CERTIFIERS } from "../../lenses/stability/state.js";
import { stability, StabilityOptions } from "../../lenses/stability/stability.js";
import { CliDomain, DomainCliOptions, domainFromOptions } from "../domain.js";
import { action } from "../errors.js";
import { progressBar } from "../progress.js";
import { fmtInt, formatTable, parseChoice, parseIntOption, parseNumberOption, toJson, writeOutput } from "../shared.js";

/** Options shared by `stability` and `compress`. */
export interface StabilityCliOptions extends DomainCliOptions {
  method?: string;
  timeLimit?: string;
  unitTimeLimit?: string;
  samples?: string;
  seed?: string;
  milpBounds?: boolean;
  json?: string;
  quiet?: boolean;
}

/** Add the domain and method options to a command. */
export function addStabilityOptions(cmd: Command): Command {
  return cmd
    .option("--box <spec>", "input box: 'lo:hi' for every input, 'lo1:hi1,lo2:hi2,...' per input, or a .json/.csv/.vnnlib file")
    .option("--vnnlib <file>", "the input box of a VNN-LIB property")
    .option("--ball <eps>", "L∞ ball of radius EPS around --data point --index (clipped to [0,1] for mnist)")
    .option("--data <spec>", "data set: mnist, mnist:test, mnist:train, or a CSV/NPY file (centre of --ball; its points inside the box are sampled)")
    .option("--index <i>", "index of the ball's centre in --data")
    .option("--clip <lo:hi>", "clip the ball to this range (default 0:1 for mnist)")
    .option("--method <m>", "ibp | crown | lp | milp | auto (auto: sampling pre-pass, then IBP, CROWN, LP, MILP on the candidates)", "auto")
    .option("--time-limit <s>", "seconds for the LP and MILP stages together; units left are reported unknown", "600")
    .option("--unit-time-limit <s>", "seconds per MILP decision", "60")
    .option("--samples <n>", "points of the sampling pre-pass (default 2000 with auto, else 0)")
    .option("--seed <n>", "seed of the sampling", "0")
    .option("--milp-bounds", "solve each MILP to optimality for exact intervals instead of deciding the sign (slower)")
    .option("--quiet", "no progress bar");
}

/** Load the model and domain, and run the stability lens with the parsed options. */
export async function runStability(model: string, opts: StabilityCliOptions): Promise<{ net: Network; domain: CliDomain; result: StabilityResult }> {
  const method = parseChoice(opts.method, "--method", ["ibp", "crown", "lp", "milp", "auto"] as const) ?? "auto";
  const timeLimit = parseNumberOption(opts.timeLimit, "--time-limit");
  const unitTimeLimit = parseNumberOption(opts.unitTimeLimit, "--unit-time-limit");
  const samples = parseIntOption(opts.samples, "--samples", { min: 0 });
  const seed = parseIntOption(opts.seed, "--seed") ?? 0;
  const net = await loadNetwork(model);
  const domain = domainFromOptions(opts, inputSize(net));
  const sopts: StabilityOptions = {
    method: method as StabilityMethod, seed,
    ...(timeLimit !== undefined ? { timeLimit } : {}),
    ...(unitTimeLimit !== undefined ? { unitTimeLimit } : {}),
    ...(samples !== undefined ? { samples } : {}),
    ...(opts.milpBounds ? { milpBounds: true } : {}),
    ...(domain.data ? { data: { x: domain.data.x, n: domain.data.n } } : {}),
  };
  const bar = progressBar("stability", { quiet: opts.quiet ?? false });
  try {
    const result = await stability(net, domain.box, sopts, { onProgress: bar.onProgress });
    return { net, domain, result };
  } finally {
    bar.stop();
  }
}

/** The per-layer and per-stage tables of a stability result. */
export function renderStability(r: StabilityResult, model: string): string {
  const rows = r.layers.map((l) => [
    l.name, l.fn, l.units, l.stablyActive, l.stablyInactive, l.unstable, l.unknown,
    CERTIFIERS.filter((c) => l.certifiedBy[c]).map((c) => `${c} ${l.certifiedBy[c]}`).join(", ") || "-",
  ]);
  const t = r.totals;
  rows.push(["total", "", t.units, t.stablyActive, t.stablyInactive, t.unstable, t.unknown, ""]);
  let text = `${path.basename(model)} on ${r.domain.source ?? "the box"} (${fmtInt(r.domain.inputs)} inputs), method ${r.method}\n\n`;
  text += formatTable(["layer", "fn", "units", "stably active", "stably inactive", "unstable", "unknown", "certified by"], rows);
  text += "\n";
  text += formatTable(["stage", "ms", "proved stable", "proved unstable", "undecided after", "points/solves/boxes"],
    r.stages.map((s) => [s.stage, Math.round(s.ms), s.stable, s.unstable, s.undecidedAfter, s.work ?? 0]));
  const notes = r.stages.filter((s) => s.note?.startsWith("skipped"));
  for (const s of notes) text += `${s.stage}: ${s.note}\n`;
  text += r.complete
    ? `\ncomplete: every unit is proven stable or proven unstable (certificate: ${r.certificate})\n`
    : `\nnot complete: ${fmtInt(t.unknown)} unknown, ${fmtInt(t.unstable - t.provenUnstable)} not proven either way (certificate of the stable claims: ${r.certificate})\n`;
  return text;
}

/** Register `netsize stability`. */
export function register(program: Command): void {
  addStabilityOptions(
    program
      .command("stability")
      .description("stable units on a domain: stably active / stably inactive / unstable per layer, certified by IBP, CROWN, LP or MILP")
      .argument("<model>", "ONNX or netsize JSON model"),
  )
    .option("--json <file>", "write the JSON result (schema netsize.stability/1) to this file ('-' for stdout)")
    .action(
      action(async (model: string, opts: StabilityCliOptions) => {
        const { result } = await runStability(model, opts);
        if (opts.json !== undefined) await writeOutput(opts.json, toJson({ ...result, model }));
        if (opts.json !== "-") process.stdout.write(renderStability(result, model));
      }),
    );
}
