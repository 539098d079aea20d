// One --json rule for every command: `--json` alone prints the JSON on stdout, `--json FILE` writes
// it to FILE (the summary on stdout), and without --json the command prints a human summary only.
// `--json --quiet` must never write a file named "--quiet".
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { saveNetwork } from "../../src/node/files.js";
import { ROOT } from "../helpers/shared.js";
import { netsizeAll } from "./run.js";

const isJson = (s: string): boolean => { try { JSON.parse(s); return true; } catch { return false; } };

describe("--json: alone → stdout, with a file → the file, absent → a summary", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "netsize-json-"));
  const f = (n: string): string => path.join(dir, n);

  it("holds for info, lenses, bounds, eval, regions, stability and compress", async () => {
    await saveNetwork(randomMlp([2, 6, 6, 2], { seed: 5, biasStd: 0.3 }), f("net.json"));
    writeFileSync(f("d.csv"), "x0,x1,label\n0.1,0.2,0\n-0.3,0.5,1\n0.7,-0.2,1\n-0.5,-0.5,0\n");
    const commands: Record<string, { args: string[]; schema: string }> = {
      info: { args: ["info", f("net.json")], schema: "netsize.info/1" },
      lenses: { args: ["lenses"], schema: "netsize.lenses/1" },
      bounds: { args: ["bounds", "2-6-6-2"], schema: "netsize.bounds/1" },
      eval: { args: ["eval", f("net.json"), "--data", f("d.csv"), "--label-column", "label"], schema: "netsize.eval/1" },
      regions: { args: ["regions", f("net.json"), "--line", "dir:0,0;1,1;-2:2"], schema: "netsize.regions.line/1" },
      stability: { args: ["stability", f("net.json"), "--box", "-1:1,-1:1"], schema: "netsize.stability/1" },
      compress: { args: ["compress", f("net.json"), "--box", "-1:1,-1:1", "--points", "500", "-o", f("small.json")], schema: "netsize.compress/1" },
    };
    const names = Object.keys(commands);
    const runs = await netsizeAll(names.flatMap((n) => {
      const a = commands[n]!.args;
      const o = n === "compress" ? (k: string) => a.map((x) => (x === f("small.json") ? f(`small-${k}.json`) : x)) : () => a;
      // Without --json: only for the commands that used to print JSON by default or take a required file (the rest print the same summary as with --json FILE).
      const none = ["regions", "stability", "compress"].includes(n) ? [[...o("none"), "--quiet"]] : [];
      return [[...o("alone"), "--json", "--quiet"], [...o("file"), "--json", f(`${n}.json`), "--quiet"], ...none];
    }), 2);
    let k = 0;
    names.forEach((n) => {
      const alone = runs[k++]!, file = runs[k++]!, none = ["regions", "stability", "compress"].includes(n) ? runs[k++]! : file;
      for (const r of [alone, file, none]) expect(r.code, `${n}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(alone.stdout).schema, n).toBe(commands[n]!.schema);
      expect(JSON.parse(readFileSync(f(`${n}.json`), "utf8")).schema, n).toBe(commands[n]!.schema);
      expect(isJson(file.stdout), `${n} --json FILE prints a summary, not JSON`).toBe(false);
      expect(file.stdout.trim().length, n).toBeGreaterThan(0);
      expect(isJson(none.stdout), `${n} without --json prints a summary, not JSON`).toBe(false);
      expect(none.stdout.trim().length, n).toBeGreaterThan(0);
    });
    expect(existsSync(path.join(ROOT, "--quiet"))).toBe(false);
    expect(existsSync(path.join(dir, "--quiet"))).toBe(false);
  });
});
