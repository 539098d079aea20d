// `netsize compress MODEL --box 0:1 -o small.onnx`: the smaller network equal to MODEL on the domain,
// with the equivalence check run before anything is written.
import path from "node:path";
import { Command } from "commander";
import { fail } from "../../core/errors.js";
import { networkToOnnx, saveNetwork } from "../../core/io/index.js";
import { compress } from "../../lenses/stability/compress.js";
import { checkEquivalence, EquivalenceReport } from "../../lenses/stability/equivalence.js";
import { CompressionReport } from "../../lenses/stability/compress.js";
import { action } from "../errors.js";
import { progressBar } from "../progress.js";
import { fmtInt, formatTable, parseChoice, parseFloatBits, parseIntOption, toJson, writeOutput } from "../shared.js";
import { addStabilityOptions, renderStability, runStability, StabilityCliOptions } from "./stability.js";

interface CompressCliOptions extends StabilityCliOptions {
  output?: string;
  networkJson?: string;
  float?: string;
  points?: string;
  merge?: string;
}

function render(rep: CompressionReport, eq: EquivalenceReport, out: string): string {
  let text = formatTable(["layer", "units before", "units after", "constant removed", "folded", "merged"],
    rep.layers.map((l) => [l.name, l.unitsBefore, l.unitsAfter, l.removedConstant, l.folded, l.merged ? "yes" : "no"]));
  text += `\nunits ${fmtInt(rep.before.units)} → ${fmtInt(rep.after.units)}, parameters ${fmtInt(rep.before.params)} → ${fmtInt(rep.after.params)}`;
  text += ` (${(100 * (1 - rep.after.params / Math.max(1, rep.before.params))).toFixed(1)}% fewer); certificate: ${rep.certificate}\n`;
  text += `equivalence on ${fmtInt(eq.points)} points (${Object.entries(eq.sources).filter(([, v]) => v > 0).map(([k, v]) => `${fmtInt(v)} ${k}`).join(", ")}): `;
  text += `max |f − f'| = ${eq.maxAbsDiff.toExponential(2)} in float64 (${eq.engine} engine)`;
  if (eq.exported) text += `, ${eq.exported.maxAbsDiff.toExponential(2)} through onnxruntime on the exported float${eq.exported.float} file`;
  text += `\nwrote ${out}\n`;
  return text;
}

/** Register `netsize compress`. */
export function register(program: Command): void {
  addStabilityOptions(
    program
      .command("compress")
      .description("lossless compression on a domain: delete stably inactive units, fold stably active ones, merge linear layers; checks max |f − f'| before writing")
      .argument("<model>", "ONNX or netsize JSON model"),
  )
    .requiredOption("-o, --output <file>", "the compressed network (.onnx, or .json for netsize JSON)")
    .option("--network-json <file>", "also write the compressed network as netsize JSON")
    .option("--float <bits>", "ONNX weight precision: 64 (exact, default) or 32", "64")
    .option("--points <n>", "points of the equivalence check", "100000")
    .option("--merge <when>", "merge an entirely linear layer into the next: smaller (when it does not add parameters), always, never", "smaller")
    .option("--json <file>", "write the JSON report (stability, compression, equivalence) to this file ('-' for stdout)")
    .action(
      action(async (model: string, opts: CompressCliOptions) => {
        const float = parseFloatBits(opts.float);
        const points = parseIntOption(opts.points, "--points", { min: 1 })!;
        const merge = parseChoice(opts.merge, "--merge", ["smaller", "always", "never"] as const) ?? "smaller";
        const out = opts.output!;
        const ext = path.extname(out).toLowerCase();
        if (ext !== ".onnx" && ext !== ".json") fail("BAD_ARGUMENT", `-o must end in .onnx or .json, got '${out}'`);
        const { net, domain, result } = await runStability(model, opts);
        const { network, report } = compress(net, result, { merge });
        const bytes = networkToOnnx(network, { float });
        const bar = progressBar("equivalence", { quiet: opts.quiet ?? false });
        let eq: EquivalenceReport;
        try {
          eq = await checkEquivalence(net, network, domain.box, {
            points, seed: result.seed ?? 0, exported: bytes,
            ...(domain.data ? { data: { x: domain.data.x, n: domain.data.n } } : {}),
          }, { onProgress: bar.onProgress });
        } finally {
          bar.stop();
        }
        const exportedOk = !eq.exported || eq.exported.float === 32 || eq.exported.maxAbsDiff <= eq.tolerance;
        if (!eq.equal || !exportedOk) {
          fail("SOLVER_ERROR", `the compressed network differs from the original by ${Math.max(eq.maxAbsDiff, eq.exported?.maxAbsDiff ?? 0).toExponential(2)} > ${eq.tolerance} at a domain point; nothing was written. Rerun with a stronger --method or report this`);
        }
        await saveNetwork(network, out, { float });
        if (opts.networkJson) await saveNetwork(network, opts.networkJson, { format: "json" });
        if (opts.json !== undefined) await writeOutput(opts.json, toJson({ schema: "netsize.compress/1", model, output: out, stability: result, compression: report, equivalence: eq }));
        if (opts.json !== "-") process.stdout.write(renderStability(result, model) + "\n" + render(report, eq, out));
      }),
    );
}
