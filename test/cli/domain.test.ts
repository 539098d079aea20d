// One domain parser for every command: `regions --box FILE` reads exactly what `stability --box FILE` reads.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { saveNetwork } from "../../src/node/files.js";
import { netsizeAll } from "./run.js";

describe("box specs are one parser across commands", () => {
  it("regions --box and stability --box read the same .json and .csv boxes; a wrong size is DOMAIN_MISMATCH for both", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-domain-"));
    const model = path.join(dir, "m.json");
    await saveNetwork(randomMlp([2, 6, 2], { seed: 5 }), model);
    writeFileSync(path.join(dir, "b.json"), JSON.stringify({ lower: [-1, 0], upper: [1, 0.5] }));
    writeFileSync(path.join(dir, "b.csv"), "lo,hi\n-1,1\n0,0.5\n");
    writeFileSync(path.join(dir, "bad.json"), JSON.stringify([[0, 1], [0, 1], [0, 1]]));
    const runs = await netsizeAll([
      ["regions", model, "--box", path.join(dir, "b.json"), "--json", path.join(dir, "r1.json")],
      ["regions", model, "--box", path.join(dir, "b.csv"), "--json", path.join(dir, "r2.json")],
      ["regions", model, "--box", "-1:1,0:0.5", "--json", path.join(dir, "r3.json")],
      ["stability", model, "--box", path.join(dir, "b.json"), "--json", path.join(dir, "s1.json")],
      ["stability", model, "--box", path.join(dir, "b.csv"), "--json", path.join(dir, "s2.json")],
      ["regions", model, "--box", path.join(dir, "bad.json")],
      ["stability", model, "--box", path.join(dir, "bad.json")],
    ]);
    for (const r of runs.slice(0, 5)) expect(r.code, r.stderr).toBe(0);
    const counts = ["r1", "r2", "r3"].map((f) => (JSON.parse(readFileSync(path.join(dir, `${f}.json`), "utf8")) as { count: number }).count);
    expect(counts[0]).toBeGreaterThan(1);
    expect(new Set(counts).size).toBe(1);
    const stab = ["s1", "s2"].map((f) => JSON.parse(readFileSync(path.join(dir, `${f}.json`), "utf8")) as { totals: unknown; domain: { inputs: number } });
    expect(stab[0]!.totals).toEqual(stab[1]!.totals);
    expect(stab[0]!.domain.inputs).toBe(2);
    for (const r of runs.slice(5)) expect(r.stderr).toMatch(/^netsize: DOMAIN_MISMATCH: the box '.*bad\.json' has 3 inputs, the network has 2/);
  });
});
