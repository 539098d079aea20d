// `netsize info MODEL`: the layer table (shapes, units, parameters, piecewise linearity) or its JSON.
import path from "node:path";
import { Command } from "commander";
import { action } from "../errors.js";
import { emitResult, fmtInt, formatTable } from "../shared.js";
import { CommandFiles } from "../outputs.js";
import { Network, outputSize, sizeOf } from "../../core/network.js";
import { InfoResult } from "../../lenses/info/index.js";
import { infoLens } from "../../lenses/registry.js";

function render(r: InfoResult, net: Network): string {
  const rows = r.layers.map((l) => [
    l.index,
    l.name,
    l.fn ? `${l.kind} ${l.fn}` : l.kind,
    l.inputs.map((i) => (i === -1 ? "input" : String(i))).join(","),
    `[${l.shape.join("×")}]`,
    l.units,
    l.params,
    l.piecewiseLinear ? "yes" : "NO",
  ]);
  let text = `${path.basename(r.file)}: input [${r.inputShape.join("×")}] → output [${r.outputShape.join("×")}]\n\n`;
  text += formatTable(["#", "name", "kind", "from", "shape", "units", "params", "piecewise linear"], rows);
  const pools = r.unitLayers.filter((i) => net.layers[i]!.kind === "maxpool").reduce((s, i) => s + sizeOf(net.layers[i]!.shape), 0);
  text += `\n${fmtInt(r.params)} parameters · ${fmtInt(r.units)} units${pools ? ` + ${fmtInt(pools)} max-pool outputs` : ""} · ${fmtInt(outputSize(net))} outputs · `;
  text += r.piecewiseLinear ? "piecewise linear: the exact lenses apply\n" : "NOT piecewise linear: exact lenses (regions, stability, compress) refuse it; sampled lenses still apply\n";
  return text;
}

/** Register `netsize info MODEL [--json [file]]`. */
export function register(program: Command): void {
  program
    .command("info")
    .description("layers, shapes, units, parameters and piecewise linearity of a model")
    .argument("<model>", "ONNX or netsize JSON model")
    .option("--json [file]", "write the summary JSON (schema netsize.info/1) to a file, or to stdout without one")
    .option("--quiet", "accepted as in every command (this one shows no progress bar)")
    .action(
      action(async (model: string, opts: { json?: string | boolean }) => {
        const files = new CommandFiles([{ option: "model", file: model }], [{ option: "--json", file: opts.json }]);
        const net = await files.loadNetwork(model);
        const r = await infoLens.run(net, { file: model });
        await emitResult({ json: opts.json, quiet: true }, r, render(r, net));
      }),
    );
}
