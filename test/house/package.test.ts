// netsize as another project's dependency: `npm install /path/to/netsize` and `import { sliceRegions } from "netsize"`
// work with no build step, and the generated entry files list every export of the sources.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { entries } from "../../scripts/entries.js";
import { planeThrough, sliceRegions } from "../../src/lenses/regions/index.js";
import { randomMlp } from "../../src/core/build.js";
import { ROOT } from "../helpers/shared.js";

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, maxBuffer: 64 << 20 }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }));
  });
}

describe("netsize as a dependency", () => {
  it("lib/index.js and lib/node.js re-export exactly the names of src/index.ts and src/node/index.ts", async () => {
    for (const [file, text] of await entries()) {
      expect(readFileSync(path.join(ROOT, "lib", file), "utf8"), `lib/${file} is stale: run npm run entries`).toBe(text);
    }
  });

  it("installs from its folder into another project and runs there (netsize and netsize/node share one module instance)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-consumer-"));
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", type: "module", private: true }));
    const npm = path.join(path.dirname(process.execPath), "npm");
    const inst = await run(npm, ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--offline", ROOT], dir);
    expect(inst.code, inst.stderr).toBe(0);
    writeFileSync(path.join(dir, "use.mjs"), [
      'import { sliceRegions, planeThrough, randomMlp, NetsizeError, LENSES } from "netsize";',
      'import { loadNetwork, NetsizeError as NodeError } from "netsize/node";',
      "const net = randomMlp([2, 8, 8, 2], { seed: 1 });",
      "const r = sliceRegions(net, planeThrough([0, 0], [1, 0], [0, 1]), { halfWidth: 2 });",
      "console.log(JSON.stringify({ schema: r.schema, count: r.count, lenses: Object.keys(LENSES).length, same: NetsizeError === NodeError, load: typeof loadNetwork }));",
    ].join("\n"));
    const out = await run(process.execPath, ["use.mjs"], dir);
    expect(out.code, out.stderr).toBe(0);
    const expected = sliceRegions(randomMlp([2, 8, 8, 2], { seed: 1 }), planeThrough([0, 0], [1, 0], [0, 1]), { halfWidth: 2 }).count;
    expect(JSON.parse(out.stdout.trim())).toEqual({ schema: "netsize.regions.slice/1", count: expected, lenses: 12, same: true, load: "function" });
  });
});
