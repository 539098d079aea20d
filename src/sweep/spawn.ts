// How to start a sweep module in another process: from the TypeScript sources through tsx's loader
// (a checkout), or the compiled .js beside this file (a build) — as cli/run-lens.ts starts its worker.
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The file and the node flags that run sibling module `name` (without extension) in a child process. */
export function siblingModule(name: string): { file: string; execArgv: string[] } {
  if (import.meta.url.endsWith(".ts")) {
    // createRequire, not import.meta.resolve: the latter is missing where a bundler or test runner rewrites import.meta.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    return { file: fileURLToPath(new URL(`./${name}.ts`, import.meta.url)), execArgv: ["--import", tsx] };
  }
  return { file: fileURLToPath(new URL(`./${name}.js`, import.meta.url)), execArgv: [] };
}
