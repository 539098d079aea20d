#!/usr/bin/env node
// Runs the TypeScript sources through tsx when they are present (a checkout), else the compiled CLI (a published package).
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = path.join(root, "dist", "cli", "main.js");
const source = path.join(root, "src", "cli", "main.ts");
if (!existsSync(source) && existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(source).href);
}
