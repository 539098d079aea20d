// `netsize graph MODEL|RUN`: the network as a weighted multipartite graph (strengths, signed
// strengths, eigenvector centrality, k-cores, k-hypercores), and over a run folder the time-evolving graph.
import { DESCRIPTIONS } from "./descriptions.js";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { action } from "../errors.js";
import { runLens } from "../run-lens.js";
import { withProgress } from "../progress.js";
import { emitResult, lensDefault, parseChoice, parseIntOption, parseNumberOption } from "../shared.js";
import { CommandFiles, OutputStage } from "../outputs.js";
import { fail } from "../../core/errors.js";
import { readRun } from "../run-folder.js";
import { graphLens } from "../../lenses/registry.js";
import type { GraphOptions, GraphRunSnapshot } from "../../lenses/graph/index.js";
import { loadNetwork, readTextFile } from "../../node/files.js";
import { svgToPng } from "../../node/png.js";
import { renderGraphDistributionsSvg, renderGraphDrawingSvg, renderGraphRunSvg } from "../../report/graph-svg.js";
import { modelSummary, runSummary } from "./graph-print.js";

interface GraphCliOptions {
  view?: string; threshold?: string; hypercoreLambda?: string; centrality?: string; tol?: string; sizeBy?: string;
  drawNodes?: string; drawEdges?: string; graphology?: boolean; steps?: string; top?: string;
  png?: string; svg?: string; distPng?: string; distSvg?: string; json?: string | boolean; quiet?: boolean;
}

const O = graphLens.options;

function lensOptions(o: GraphCliOptions): GraphOptions {
  const r: GraphOptions = {};
  const set = <K extends keyof GraphOptions>(k: K, v: GraphOptions[K] | undefined): void => { if (v !== undefined) r[k] = v; };
  set("view", parseChoice(o.view, "--view", ["rolled", "unrolled"] as const));
  set("threshold", parseNumberOption(o.threshold, "--threshold"));
  set("hypercoreLambda", parseNumberOption(o.hypercoreLambda, "--hypercore-lambda"));
  set("centrality", parseChoice(o.centrality, "--centrality", ["lanczos", "shifted-power"] as const));
  set("tol", parseNumberOption(o.tol, "--tol"));
  set("sizeBy", parseChoice(o.sizeBy, "--size-by", ["strength", "centrality"] as const));
  set("drawNodes", parseIntOption(o.drawNodes, "--draw-nodes", { min: 1 }));
  set("drawEdges", parseIntOption(o.drawEdges, "--draw-edges", { min: 0 }));
  set("top", parseIntOption(o.top, "--top", { min: 0 }));
  if (o.graphology === false) r.graphology = false;
  return r;
}

async function picture(stage: OutputStage, svgFile: string | undefined, pngFile: string | undefined, make: () => string | Promise<string>): Promise<string[]> {
  if (!svgFile && !pngFile) return [];
  const svg = await make();
  const wrote: string[] = [];
  if (svgFile) { await stage.put(svgFile, svg); wrote.push(svgFile); }
  if (pngFile) { await stage.put(pngFile, svgToPng(svg)); wrote.push(pngFile); }
  return wrote;
}

/** Register `netsize graph`. */
export function register(program: Command): void {
  program
    .command("graph")
    .description(DESCRIPTIONS.graph)
    .argument("<model|run>", "ONNX or netsize JSON model, or a run folder made by netsize train --out")
    .option("--view <view>", O.view.description, lensDefault(O.view))
    .option("--threshold <q>", O.threshold.description, lensDefault(O.threshold))
    .option("--hypercore-lambda <l>", O.hypercoreLambda.description, lensDefault(O.hypercoreLambda))
    .option("--centrality <method>", O.centrality.description, lensDefault(O.centrality))
    .option("--tol <t>", O.tol.description, lensDefault(O.tol))
    .option("--top <n>", O.top.description, lensDefault(O.top))
    .option("--size-by <what>", O.sizeBy.description, lensDefault(O.sizeBy))
    .option("--draw-nodes <n>", O.drawNodes.description, lensDefault(O.drawNodes))
    .option("--draw-edges <n>", O.drawEdges.description, lensDefault(O.drawEdges))
    .option("--no-graphology", "take the adjacency straight from the edge arrays instead of a graphology graph (same numbers, faster)")
    .option("--steps <list>", "a run: only the snapshots at these steps, e.g. 0,125,250")
    .option("--png <file>", "a model: the layered drawing as PNG; a run: the per-layer summaries over the snapshots as line charts")
    .option("--svg <file>", "the same picture as SVG")
    .option("--dist-png <file>", "a model: each layer's strength and degree distributions (PNG)")
    .option("--dist-svg <file>", "the distributions as SVG")
    .option("--json [file]", "write the result JSON (netsize.graph/1 or netsize.graph.run/1) to a file, or stdout without one")
    .option("--quiet", "no progress bar")
    .action(
      action(async (target: string, o: GraphCliOptions) => {
        const opts = lensOptions(o);
        const steps = o.steps?.split(",").filter((s) => s.trim()).map((s) => parseIntOption(s.trim(), "--steps", { min: 0 })!);
        const outputs = [{ option: "--json", file: o.json }, { option: "--png", file: o.png }, { option: "--svg", file: o.svg }, { option: "--dist-png", file: o.distPng }, { option: "--dist-svg", file: o.distSvg }];
        const stage = new OutputStage();
        if (existsSync(target) && statSync(target).isDirectory()) {
          if (o.distPng || o.distSvg) fail("BAD_ARGUMENT", "--dist-png/--dist-svg apply to one model; give a snapshot file (RUN/snapshots/NAME.json) instead of the run folder");
          new CommandFiles([{ option: "run index", file: path.join(target, "snapshots", "index.json") }], outputs);
          const snapshots = await readRun(target, steps);
          const { drawNodes: _a, drawEdges: _b, sizeBy: _c, top: _d, ...runOpts } = opts;
          const r = await withProgress("graph", { quiet: o.quiet ?? false }, (onProgress) =>
            runLens("graph.run", snapshots[snapshots.length - 1]!.network, { snapshots }, runOpts, { onProgress, engine: "onnxruntime" }));
          const wrote = await picture(stage, o.svg, o.png, () => renderGraphRunSvg(r, { title: `${path.basename(path.resolve(target))}: the graph over ${r.frames.length} snapshots` }));
          await emitResult({ json: o.json, stage }, { ...r, run: target }, runSummary(r, target) + wrote.map((w) => `wrote ${w}\n`).join(""));
          return;
        }
        if (steps) fail("BAD_ARGUMENT", "--steps applies to a run folder");
        const files = new CommandFiles([{ option: "model", file: target }], outputs);
        const net = await files.loadNetwork(target);
        const r = await withProgress("graph", { quiet: o.quiet ?? false }, (onProgress) => runLens("graph", net, undefined, opts, { onProgress, engine: "onnxruntime" }));
        const wrote = [
          ...(await picture(stage, o.svg, o.png, () => renderGraphDrawingSvg(r, { title: `${path.basename(target)}: ${r.graph.nodes.toLocaleString("en-US")} nodes, ${r.graph.edges.toLocaleString("en-US")} edges, λ_max ${r.centrality.lambdaMax.toPrecision(5)}` }))),
          ...(await picture(stage, o.distSvg, o.distPng, () => renderGraphDistributionsSvg(r, { title: `${path.basename(target)}: strength and degree distributions per layer` }))),
        ];
        await emitResult({ json: o.json, stage }, { ...r, model: target }, modelSummary(r, target) + wrote.map((w) => `wrote ${w}\n`).join(""));
      }),
    );
}
