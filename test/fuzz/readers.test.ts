// The fuzz harness, for a bounded time in every test run (NETSIZE_FUZZ_SECONDS per reader, default 4;
// `NETSIZE_FUZZ_SECONDS=300 npx vitest run test/fuzz` for a long run): 0 crashes, 0 hangs, 0 raw messages.
import { describe, expect, it } from "vitest";
import { fuzz, targets } from "./harness.js";

const SECONDS = Number(process.env.NETSIZE_FUZZ_SECONDS ?? 4);

describe("fuzzing the readers (seeded mutations)", () => {
  it.each(targets().map((t) => [t.name, t] as const))("%s: every mutated input is accepted or rejected with a NetsizeError", async (_name, t) => {
    const c = await fuzz(t, { ms: SECONDS * 1000, seed: 20261202 });
    console.log(`[fuzz] ${c.target}: ${c.inputs} inputs, ${c.accepted} accepted, ${c.rejected} rejected, ${c.internal} INTERNAL, ${c.hangs} slow, ${c.rawMessages} raw messages`);
    expect(c.inputs).toBeGreaterThan(50);
    expect(c.examples).toEqual([]);
    expect([c.internal, c.hangs, c.rawMessages]).toEqual([0, 0, 0]);
  });
});
