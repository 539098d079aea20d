#!/usr/bin/env node
// Runs the TypeScript sources through tsx when they are present (a checkout), else the compiled CLI (a published package).
// The signal handlers come first (a small module), so a Ctrl-C during start-up is answered too.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = path.join(root, "dist", "cli", "main.js");
const source = path.join(root, "src", "cli", "main.ts");
const compiled = !existsSync(source) && existsSync(built);
if (!compiled) {
  const { register } = await import("tsx/esm/api");
  register();
}
const cli = compiled ? path.dirname(built) : path.dirname(source);
const ext = compiled ? ".js" : ".ts";
const { installInterruptHandlers } = await import(pathToFileURL(path.join(cli, `signals${ext}`)).href);
installInterruptHandlers();
await import(pathToFileURL(path.join(cli, `main${ext}`)).href);
