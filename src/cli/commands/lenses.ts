// `netsize lenses`: the lens registry — every lens's name, schema, what it measures and its options with their defaults.
import { DESCRIPTIONS } from "./descriptions.js";
import { Command } from "commander";
import { LENSES } from "../../lenses/registry.js";
import { action } from "../errors.js";
import { emitResult } from "../shared.js";

/** Register `netsize lenses [--json [file]]`. */
export function register(program: Command): void {
  program
    .command("lenses")
    .description(DESCRIPTIONS.lenses)
    .option("--json [file]", "write the list as JSON (schema netsize.lenses/1) to a file, or to stdout without one")
    .option("--quiet", "accepted as in every command (this one shows no progress bar)")
    .action(
      action(async (opts: { json?: string | boolean }) => {
        const list = Object.values(LENSES).map((l) => ({
          name: l.name, schema: l.schema, description: l.description,
          options: Object.fromEntries(Object.entries(l.options).map(([k, o]) => [k, { default: o.default, description: o.description }])),
        }));
        let text = "";
        for (const l of list) {
          text += `${l.name}  (${l.schema})\n  ${l.description}\n`;
          for (const [k, o] of Object.entries(l.options)) text += `    ${k.padEnd(16)} ${o.description}${o.default !== undefined ? ` (default ${String(o.default)})` : ""}\n`;
          text += "\n";
        }
        await emitResult({ json: opts.json, quiet: true }, { schema: "netsize.lenses/1", lenses: list }, text);
      }),
    );
}
