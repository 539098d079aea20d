// The layers of the house are checked by dependency-cruiser: the repository passes, and a planted
// upward import, a lens importing train, and a Node builtin in core are each caught.
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/shared.js";

interface Violation { rule: { name: string }; from: string; to: string }

function cruise(cwd: string): Promise<Violation[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs"), "src", "--config", ".dependency-cruiser.cjs", "--output-type", "json"],
      { cwd, maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
        try {
          resolve((JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations);
        } catch {
          reject(new Error(`depcruise failed: ${err?.message ?? ""} ${stderr.slice(0, 500)}`));
        }
      });
  });
}

describe("the layer rules (dependency-cruiser)", () => {
  it("the repository has no violation: no cycle, no upward import, lenses browser-safe and free of train", async () => {
    expect(await cruise(ROOT)).toEqual([]);
  });

  it("catch a planted upward import, a lens importing train or the Node side, a face importing a face, and node:fs in core", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-layers-"));
    copyFileSync(path.join(ROOT, ".dependency-cruiser.cjs"), path.join(dir, ".dependency-cruiser.cjs"));
    writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true } }));
    const files: Record<string, string> = {
      "src/core/a.ts": 'import { b } from "../lenses/x/b.js";\nimport { readFileSync } from "node:fs";\nexport const a = b + String(readFileSync);\n',
      "src/lenses/x/b.ts": 'import { t } from "../../train/t.js";\nimport { n } from "../../node/n.js";\nexport const b = t + n;\n',
      "src/lenses/x/index.ts": 'export { b } from "./b.js";\n',
      "src/train/t.ts": "export const t = 1;\n",
      "src/node/n.ts": "export const n = 2;\n",
      "src/cli/c.ts": 'import { s } from "../studio/s.js";\nimport { b } from "../lenses/x/b.js";\nexport const c = s + b;\n',
      "src/studio/s.ts": "export const s = 3;\n",
    };
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      writeFileSync(path.join(dir, f), text);
    }
    const found = (await cruise(dir)).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
    expect(found).toEqual([
      "browser-safe-builtins: src/core/a.ts → fs",
      "browser-safe: src/core/a.ts → fs",
      "core-is-the-floor: src/core/a.ts → src/lenses/x/b.ts",
      "lenses-never-import-train-or-above: src/lenses/x/b.ts → src/node/n.ts",
      "lenses-never-import-train-or-above: src/lenses/x/b.ts → src/train/t.ts",
      "lenses-only-through-index: src/cli/c.ts → src/lenses/x/b.ts",
      "lenses-only-through-index: src/core/a.ts → src/lenses/x/b.ts",
      "no-face-imports-another: src/cli/c.ts → src/studio/s.ts",
    ]);
  });
});
