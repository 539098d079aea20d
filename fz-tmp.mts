import { fuzz, targets } from "./test/fuzz/harness.ts";
for (const t of targets()) {
  const c = fuzz(t, { ms: 4000, seed: 5 });
  console.log(t.name, c.inputs, "internal", c.internal, "raw", c.rawMessages, "slow", c.hangs);
  console.log("  " + c.examples.join("\n  "));
}
