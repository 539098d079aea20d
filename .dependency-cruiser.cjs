// The layers of the house (../shared/DESIGN.md), checked by `npm test` (test/house/layers.test.ts).
// Low to high: core < data < train < lenses < report < faces (cli, studio: its page in studio/app, its server in studio/server). node/ is the Node side:
// it may import core and data, and train and faces may import it; core, data, lenses and report
// never do, so the "netsize" entry stays browser-safe. sweep/ (plans, the process pool, BullMQ, the
// DuckDB store) sits between the lenses and the faces: it runs the training lab and the registry's
// lenses in other processes, so it is Node-only, and nothing below the faces imports it. (DESIGN.md draws data below core, but data
// uses core's errors and RNG, and core never imports data — so data sits just above core.)
const NODE_ONLY = "^(node:|fs$|path$|os$|module$|child_process$|url$|worker_threads$|crypto$|stream$)|onnxruntime-node|@resvg/|@tensorflow/tfjs-backend-wasm";
module.exports = {
  forbidden: [
    { name: "no-cycles", severity: "error", from: { path: "^src/" }, to: { circular: true } },
    { name: "core-is-the-floor", severity: "error", comment: "core imports nothing of netsize above it",
      from: { path: "^src/core/" }, to: { path: "^src/(data|train|lenses|report|cli|studio|node)/" } },
    { name: "data-above-core-only", severity: "error",
      from: { path: "^src/data/" }, to: { path: "^src/(train|lenses|report|cli|studio|node)/" } },
    { name: "train-below-lenses", severity: "error",
      from: { path: "^src/train/" }, to: { path: "^src/(lenses|report|cli|studio)/" } },
    { name: "lenses-never-import-train-or-above", severity: "error", comment: "no lens imports train, report, a face or the Node side",
      from: { path: "^src/lenses/" }, to: { path: "^src/(train|report|cli|studio|node)/" } },
    { name: "lenses-only-through-index", severity: "error", comment: "outside lenses/, a lens is reached through lenses/registry.ts or lenses/<name>/index.ts ",
      from: { path: "^src/", pathNot: "^src/lenses/" }, to: { path: "^src/lenses/[^/]+/", pathNot: "^src/lenses/[^/]+/index\\.ts$" } },
    { name: "report-below-faces", severity: "error",
      from: { path: "^src/report/" }, to: { path: "^src/(cli|studio|node|train)/" } },
    { name: "node-side-below-lenses", severity: "error", comment: "node/ serves core and data; only its entry re-exports the rest",
      from: { path: "^src/node/", pathNot: "^src/node/index\\.ts$" }, to: { path: "^src/(lenses|report|cli|studio|train)/" } },
    { name: "sweep-below-faces", severity: "error", comment: "the sweep serves the faces; it never imports one",
      from: { path: "^src/sweep/" }, to: { path: "^src/(cli|studio|report)/" } },
    { name: "nothing-below-faces-imports-sweep", severity: "error", comment: "core, data, train, lenses, report and node/ never reach the sweep (Node-only, processes, Redis, DuckDB)",
      from: { path: "^src/(core|data|train|lenses|report|node)/" }, to: { path: "^src/sweep/" } },
    { name: "no-face-imports-another", severity: "error", comment: "the CLI starts the studio through its server's entry only (netsize studio); it never reaches the page",
      from: { path: "^src/cli/" }, to: { path: "^src/studio/", pathNot: "^src/studio/server/index\\.ts$" } },
    { name: "no-face-imports-another-2", severity: "error",
      from: { path: "^src/studio/" }, to: { path: "^src/cli/" } },
    { name: "studio-page-browser-safe", severity: "error", comment: "the studio's page runs in the browser: no Node module, not its own server, not the Node side",
      from: { path: "^src/studio/app/" }, to: { path: `${NODE_ONLY}|^src/(node|sweep|studio/server)/` } },
    { name: "studio-page-builtins", severity: "error",
      from: { path: "^src/studio/app/" }, to: { dependencyTypes: ["core"] } },
    { name: "studio-page-train-browser-only", severity: "error", comment: "the page trains through train/browser.ts (no file I/O, no wasm set-up)",
      from: { path: "^src/studio/app/" }, to: { path: "^src/train/", pathNot: "^src/train/(browser|live|tf|arch|activations|export|init-from|loop|model|ops|optimizers|normalization|init/.*)\\.ts$" } },
    { name: "studio-server-below-page", severity: "error", comment: "the server serves files; it imports core and node/ only",
      from: { path: "^src/studio/server/" }, to: { path: "^src/(data|train|lenses|report|sweep|cli|studio/app)/" } },
    { name: "browser-safe", severity: "error", comment: "core, data, lenses and report run in the browser",
      from: { path: "^src/(core|data|lenses|report)/" }, to: { path: NODE_ONLY } },
    { name: "browser-safe-builtins", severity: "error",
      from: { path: "^src/(core|data|lenses|report)/" }, to: { dependencyTypes: ["core"] } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^(test|bench|dist)/" },
  },
};
