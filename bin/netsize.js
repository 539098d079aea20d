#!/usr/bin/env node
// Runs compiled JavaScript: dist/ in a published package, else a build of the checkout's sources cached under
// node_modules/.cache (made by esbuild in ~0.3 s on the first call after an edit). tsx transpiling on every call
// cost seconds of start-up (issue 17); it remains the fallback where esbuild is not installed.
// The signal handlers come first (a small module), so a Ctrl-C during start-up is answered too.
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import { existsSync } from "node:fs";
import { distCurrent, ensureBuilt, touch } from "../scripts/build.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
let cli;
let ext = ".js";
if (distCurrent(root)) cli = path.join(root, "dist", "cli");
else {
  const built = process.env.NETSIZE_TSX === "1" ? undefined : await ensureBuilt(root);
  if (built) {
    touch(built);
    cli = path.join(built, "cli");
  } else if (process.env.NETSIZE_TSX !== "1" && existsSync(path.join(root, "dist", "cli", "main.js"))) {
    // An installed package: npm pack gives every file one fixed time, so its sources' fingerprint never
    // matches the dist/ it ships, and without esbuild nothing can rebuild: dist/ is the CLI.
    cli = path.join(root, "dist", "cli");
  } else {
    const { register } = await import("tsx/esm/api");
    register();
    cli = path.join(root, "src", "cli");
    ext = ".ts";
  }
}
const { installInterruptHandlers } = await import(pathToFileURL(path.join(cli, `signals${ext}`)).href);
installInterruptHandlers();
await import(pathToFileURL(path.join(cli, `main${ext}`)).href);
