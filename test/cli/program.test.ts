// The CLI loads only the module of the command it runs: the one-line entries `--help` lists must be the commands
// themselves, and every entry must load and register a command of its name.
import { describe, expect, it } from "vitest";
import { buildProgram, commandNamed } from "../../src/cli/program.js";
import { DESCRIPTIONS } from "../../src/cli/commands/descriptions.js";
import { netsize } from "./run.js";

describe("the command table", () => {
  it("every command registers under its own name, with the description --help lists, and nothing else registers", async () => {
    const full = await buildProgram([], true);
    const stubs = await buildProgram([]);
    const names = Object.keys(DESCRIPTIONS);
    expect(full.commands.map((c) => c.name())).toEqual(names);
    expect(stubs.commands.map((c) => c.name())).toEqual(names);
    for (const c of full.commands) expect(c.description()).toBe(DESCRIPTIONS[c.name() as keyof typeof DESCRIPTIONS]);
    // A stub has no options; the real command does (so a call must load it).
    expect(stubs.commands.find((c) => c.name() === "stability")!.options.length).toBe(0);
    expect(full.commands.find((c) => c.name() === "stability")!.options.length).toBeGreaterThan(5);
  });

  it("names the command of a command line, including `help NAME`, and nothing for options or unknown words", () => {
    expect(commandNamed(["info", "m.onnx"])).toBe("info");
    expect(commandNamed(["help", "regions"])).toBe("regions");
    expect(commandNamed(["--version"])).toBeUndefined();
    expect(commandNamed(["constructor"])).toBeUndefined();
    expect(commandNamed(["toString"])).toBeUndefined();
    expect(commandNamed([])).toBeUndefined();
  });

  it("the compiled CLI answers --help with every command, `help stability` with its options, and a typo with a suggestion", async () => {
    const help = await netsize(["--help"]);
    expect(help.code).toBe(0);
    for (const name of Object.keys(DESCRIPTIONS)) expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, "m"));
    const sub = await netsize(["help", "stability"]);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain("--method");
    const typo = await netsize(["stabilty", "m.onnx"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("(Did you mean stability?)");
  }, 120_000);
});
