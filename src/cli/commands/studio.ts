// `netsize studio [MODEL|RUN]`: build the studio's page (Vite, cached) and serve it on 127.0.0.1 with
// exactly the files the command line names — the model, a run folder's snapshots, data points for the
// explorer — until Ctrl-C. Nothing else is served: no listing, no other path.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { DESCRIPTIONS } from "./descriptions.js";
import { fail, printable } from "../../core/errors.js";
import { inputSize } from "../../core/network.js";
import { loadNetwork } from "../../node/files.js";
import { action } from "../errors.js";
import { parseIntOption } from "../shared.js";
import { withProgress } from "../progress.js";
import { addDataOptions, loadData, type DataCliOptions } from "../data-options.js";
import { runEntries } from "../run-folder.js";
import type { StudioRoute } from "../../studio/server/index.js";

interface StudioCliOptions extends DataCliOptions { port?: string; points?: string; buildOnly?: boolean }

/** The most data points the explorer is sent (thumbnails to pick from). */
const MAX_POINTS = 1000;

/** A URL path segment for a file name: letters, digits, '.', '-', '_' only. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
}

/** Register `netsize studio`. */
export function register(program: Command): void {
  addDataOptions(program
    .command("studio")
    .description(DESCRIPTIONS.studio)
    .argument("[model|run]", "an ONNX or netsize JSON model, or a run folder of netsize train --out, to explore (none: the playground)")
    .option("--port <n>", "port on 127.0.0.1 (default: a free one)")
    .option("--points <n>", `data points sent to the explorer to pick slices from (default 100, at most ${MAX_POINTS})`)
    .option("--build-only", "build the page (Vite) and print its folder, without serving"),
  "data points for the explorer's slices (default: mnist:test for 784-input models)")
    .action(action(async (target: string | undefined, opts: StudioCliOptions) => {
      const port = parseIntOption(opts.port, "--port", { min: 0, max: 65535 }) ?? 0;
      const nPoints = parseIntOption(opts.points, "--points", { min: 3, max: MAX_POINTS }) ?? 100;
      const { studioApp, serveStudio } = await import("../../studio/server/index.js");
      const say = (s: string): void => { process.stderr.write(`netsize studio: ${s}\n`); };
      const routes: StudioRoute[] = [];
      const session: Record<string, unknown> = {};
      let inputs: number | undefined;
      if (target !== undefined) {
        if (!existsSync(target)) fail("BAD_ARGUMENT", `${printable(target, 200)} does not exist; give an ONNX or netsize JSON model or a run folder`);
        if (statSync(target).isDirectory()) {
          const entries = runEntries(target, undefined);
          const snapshots = entries.map((e, i) => {
            const url = `/files/snapshots/${i}-${safeName(path.basename(e.file))}`;
            routes.push({ path: url, type: "application/octet-stream", file: e.file });
            return { name: e.name, epoch: e.epoch, step: e.step, url, ...(e.metrics ? { metrics: e.metrics } : {}) };
          });
          // Read the last snapshot now: a broken run fails here, with the file named, not in the page.
          inputs = inputSize(await loadNetwork(entries[entries.length - 1]!.file));
          session.run = { name: path.basename(path.resolve(target)), snapshots };
        } else {
          inputs = inputSize(await loadNetwork(target));
          const url = `/files/${safeName(path.basename(target))}`;
          routes.push({ path: url, type: "application/octet-stream", file: path.resolve(target) });
          session.model = { name: path.basename(target), url };
        }
        const spec = opts.data ?? (inputs === 784 ? "mnist:test" : undefined);
        if (spec !== undefined) {
          const ds = loadData(opts, spec);
          const d = ds.x.length / ds.n;
          if (d !== inputs) fail("BAD_ARGUMENT", `--data ${printable(spec, 100)} has ${d} features but the model takes ${inputs} inputs`);
          const n = Math.min(nPoints, ds.n);
          routes.push({ path: "/files/points.f32", type: "application/octet-stream", bytes: new Uint8Array(Float32Array.from(ds.x.subarray(0, n * d)).buffer) });
          session.data = { name: spec, url: "/files/points.f32", n, shape: ds.shape, labels: ds.labels ? Array.from(ds.labels.subarray(0, n)) : [] };
        }
      } else if (opts.data !== undefined) fail("BAD_ARGUMENT", "--data picks the explorer's points for a model; the playground chooses its data in the page");
      routes.push({ path: "/session.json", type: "application/json", bytes: JSON.stringify(session) });
      const dir = await withProgress("building the studio page (Vite)", {}, (onProgress) =>
        studioApp(() => say("building the page (Vite; once per change of the sources)…"), onProgress));
      if (opts.buildOnly) { process.stdout.write(`${dir}\n`); return; }
      const server = await serveStudio(dir, routes, port);
      process.stdout.write(`${server.url}\n`);
      say(`serving on ${server.url} (127.0.0.1 only); Ctrl-C stops`);
      // Ctrl-C or kill is how a server ends: it closes and exits 0 (the interrupt handlers of the other
      // commands, which report ABORTED, are off for studio; see program.ts).
      const sig = await new Promise<NodeJS.Signals>((resolve) => {
        process.once("SIGINT", () => resolve("SIGINT"));
        process.once("SIGTERM", () => resolve("SIGTERM"));
      });
      await server.close();
      say(`stopped (${sig})`);
    }));
}
