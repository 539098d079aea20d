// `netsize convert IN OUT`: ONNX ⇄ netsize JSON; the output is written atomically, so a failure leaves nothing.
import { DESCRIPTIONS } from "./descriptions.js";
import { Command } from "commander";
import { ortFloat64Warning } from "../../node/engine/ort-lowering.js";
import { action } from "../errors.js";
import { fmtInt, parseFloatBits } from "../shared.js";
import { fail } from "../../core/errors.js";
import { CommandFiles, OutputStage } from "../outputs.js";
import { summarize } from "../../core/summary.js";
import { encodeNetwork, formatOfName } from "../../core/io/index.js";

/** Output format from the file extension: .onnx or .json. */
export function formatOf(file: string): "onnx" | "json" {
  const f = formatOfName(file);
  if (f) return f;
  fail("BAD_ARGUMENT", `cannot tell the output format of '${file}': name it *.onnx or *.json`);
}

/** Register `netsize convert IN OUT [--float 32|64]`. */
export function register(program: Command): void {
  program
    .command("convert")
    .description(DESCRIPTIONS.convert)
    .argument("<in>", "ONNX or netsize JSON model")
    .argument("<out>", "output file: *.onnx or *.json")
    .option("--float <bits>", "ONNX weight precision: 32 (default, what most tools expect) or 64 (exact float64)")
    .action(
      action(async (input: string, out: string, opts: { float?: string }) => {
        const format = formatOf(out);
        const float = opts.float === undefined ? 32 : parseFloatBits(opts.float);
        if (format === "json" && opts.float === "32") fail("BAD_ARGUMENT", "--float 32 applies to ONNX output; netsize JSON always keeps float64 weights");
        const files = new CommandFiles([{ option: "input model", file: input }], [{ option: "the output", file: out }]);
        const net = await files.loadNetwork(input);
        const stage = new OutputStage();
        const bytes = encodeNetwork(net, out, { format, float });
        await stage.put(out, bytes);
        stage.commit();
        const s = summarize(net);
        const prec = format === "json" ? "float64" : `float${float}`;
        process.stdout.write(`wrote ${out} (${format === "onnx" ? "ONNX" : "netsize JSON"}, ${prec} weights, ${net.layers.length} layer${net.layers.length === 1 ? "" : "s"}, ${fmtInt(s.params)} parameters)\n`);
        if (typeof bytes !== "string") process.stdout.write(ortFloat64Warning(bytes, out));
      }),
    );
}
