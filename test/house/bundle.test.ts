// The "netsize" entry is browser-safe: esbuild bundles it for the browser, and nothing Node-only gets in.
import { build } from "esbuild";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/shared.js";

describe("the browser entry", () => {
  it("bundles for the browser without node:*, onnxruntime-node, @resvg or tfjs-backend-wasm's Node loader", async () => {
    const r = await build({
      entryPoints: [path.join(ROOT, "src/index.ts")], bundle: true, platform: "browser", format: "esm", minify: true,
      write: false, metafile: true, logLevel: "silent", outfile: "netsize.browser.js",
      // Node builtins stay unresolved so that any reference to one is listed below (the bundle must have none but highs's guarded probe).
      external: ["node:*", "fs", "path", "os", "module", "url", "child_process", "worker_threads", "crypto"],
    });
    const inputs = Object.keys(r.metafile.inputs);
    const forbidden = inputs.filter((f) => /onnxruntime-node|@resvg\/|tfjs-backend-wasm|src\/node\/|src\/train\/|src\/cli\//.test(f));
    expect(forbidden).toEqual([]);
    const builtins: string[] = [];
    for (const [file, v] of Object.entries(r.metafile.inputs)) {
      for (const i of v.imports) if (i.external && /^(node:|fs$|path$|os$|module$|url$|child_process$|worker_threads$|crypto$)/.test(i.path)) builtins.push(`${file} → ${i.path} (${i.kind})`);
    }
    // The HiGHS wasm glue asks for node:module only inside `if (ENVIRONMENT_IS_NODE)`; a browser never runs it.
    expect(builtins).toEqual(["node_modules/highs/build/highs.mjs → node:module (dynamic-import)"]);
    const bytes = r.outputFiles[0]!.contents.length;
    console.log(`[bundle] netsize browser entry: ${(bytes / 1024).toFixed(0)} KiB minified, ${inputs.length} modules`);
    expect(bytes).toBeGreaterThan(100_000);
  });
});
