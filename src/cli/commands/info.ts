// `netsize info MODEL`: the layer table (shapes, units, parameters, piecewise linearity) or its JSON.
import { DESCRIPTIONS } from "./descriptions.js";
import path from "node:path";
import { Command } from "commander";
import { action } from "../errors.js";
import { emitResult, fmtInt, formatTable } from "../shared.js";
import { CommandFiles } from "../outputs.js";
import { Network, outputSize, sizeOf } from "../../core/network.js";
import { InfoResult } from "../../lenses/info/index.js";
import { infoLens, LENSES } from "../../lenses/registry.js";

/** Which registered lenses apply to a network, and why not where one does not. */
export interface LensApplicability { name: string; applies: boolean; why?: string }

function applicability(net: Network): LensApplicability[] {
  return Object.values(LENSES).map((l) => {
    const a = l.applies?.(net) ?? true;
    return a === true ? { name: l.name, applies: true } : { name: l.name, applies: false, why: a };
  });
}

function render(r: InfoResult & { lenses: LensApplicability[] }, net: Network): string {
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
  text += r.piecewiseLinear ? "piecewise linear: the exact lenses apply\n" : "NOT piecewise linear: the exact lenses refuse it (see below)\n";
  if (r.outputTransform) text += `output: a final ${r.outputTransform}, kept as the model's output transform — eval and exported files give its ${r.outputTransform === "LogSoftmax" ? "log-probabilities" : "probabilities"}; the exact lenses measure the logits before it (the same classes and decision boundary)\n`;
  text += `lenses that apply: ${r.lenses.filter((l) => l.applies).map((l) => l.name).join(", ")}\n`;
  for (const l of r.lenses) if (!l.applies) text += `  not ${l.name}: ${l.why}\n`;
  return text;
}

/** Register `netsize info MODEL [--json [file]]`. */
export function register(program: Command): void {
  program
    .command("info")
    .description(DESCRIPTIONS.info)
    .argument("<model>", "ONNX or netsize JSON model")
    .option("--json [file]", "write the summary JSON (schema netsize.info/1) to a file, or to stdout without one")
    .option("--quiet", "accepted as in every command (this one shows no progress bar)")
    .action(
      action(async (model: string, opts: { json?: string | boolean }) => {
        const files = new CommandFiles([{ option: "model", file: model }], [{ option: "--json", file: opts.json }]);
        const net = await files.loadNetwork(model);
        const r = { ...(await infoLens.run(net, { file: model })), lenses: applicability(net) };
        await emitResult({ json: opts.json, quiet: true }, r, render(r, net));
      }),
    );
}
