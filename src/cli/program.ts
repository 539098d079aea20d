// The `netsize` program: one entry per command, the modules loaded on demand.
import { Command } from "commander";
import { uninstallInterruptHandlers } from "./signals.js";
import { CommandName, DESCRIPTIONS } from "./commands/descriptions.js";

/** A command module: registers its command (options, action) on the program. */
interface CommandModule {
  register(program: Command): void;
}

// Loaded on demand: a call loads only the module of the command it runs, so `--help`, `--version` and the
// light commands never pay for TensorFlow.js, onnxruntime, resvg or vega (issue 17: start-up ≤ 0.3 s).
const LOADERS: Record<CommandName, () => Promise<CommandModule>> = {
  info: () => import("./commands/info.js"),
  eval: () => import("./commands/eval.js"),
  convert: () => import("./commands/convert.js"),
  regions: () => import("./commands/regions.js"),
  bounds: () => import("./commands/bounds.js"),
  stability: () => import("./commands/stability.js"),
  compress: () => import("./commands/compress.js"),
  simplicity: () => import("./commands/simplicity.js"),
  condensation: () => import("./commands/condensation.js"),
  graph: () => import("./commands/graph.js"),
  shallow: () => import("./commands/shallow.js"),
  ensemble: () => import("./commands/ensemble.js"),
  report: () => import("./commands/report.js"),
  transform: () => import("./commands/transform.js"),
  train: () => import("./commands/train.js"),
  demo: () => import("./commands/demo.js"),
  sweep: () => import("./commands/sweep.js"),
  worker: () => import("./commands/worker.js"),
  studio: () => import("./commands/studio.js"),
  lenses: () => import("./commands/lenses.js"),
};

/** The command a command line names (`netsize NAME ...` or `netsize help NAME`), if it is one. */
export function commandNamed(argv: readonly string[]): CommandName | undefined {
  const [first, second] = argv;
  const name = first === "help" ? second : first;
  return name !== undefined && Object.hasOwn(LOADERS, name) ? (name as CommandName) : undefined;
}

/** The program with every command: the named one registered for real, the others as one-line entries for `--help`. */
export async function buildProgram(argv: readonly string[], all = false): Promise<Command> {
  const program = new Command();
  program.hook("preAction", (_program, command) => { if (command.name() === "train" || command.name() === "studio") uninstallInterruptHandlers(); });
  program
    .name("netsize")
    .description("How big is a trained neural network, really? Exact regions, stable units, lossless compression.")
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride((err) => {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") process.exit(0);
      process.exit(2);
    });
  const named = commandNamed(argv);
  for (const name of Object.keys(DESCRIPTIONS) as CommandName[]) {
    if (all || name === named) (await LOADERS[name]()).register(program);
    else program.command(name).description(DESCRIPTIONS[name]);
  }
  return program;
}

