import { Command } from "commander";
import { exitWithError } from "./errors.js";
import { installInterruptHandlers, uninstallInterruptHandlers } from "./signals.js";
import * as info from "./commands/info.js";
import * as evalCmd from "./commands/eval.js";
import * as convert from "./commands/convert.js";
import * as regions from "./commands/regions.js";
import * as bounds from "./commands/bounds.js";
import * as stability from "./commands/stability.js";
import * as compress from "./commands/compress.js";
import * as train from "./commands/train.js";
import * as demo from "./commands/demo.js";
import * as lenses from "./commands/lenses.js";
import * as simplicity from "./commands/simplicity.js";
import * as transform from "./commands/transform.js";
import * as condensation from "./commands/condensation.js";
import * as graph from "./commands/graph.js";
import * as report from "./commands/report.js";
import * as shallow from "./commands/shallow.js";
import * as ensemble from "./commands/ensemble.js";
import * as sweep from "./commands/sweep.js";
import * as worker from "./commands/worker.js";

const program = new Command();
// Ctrl-C / kill: one line, exit 130 / 143, staged outputs removed (bin/netsize.js installs the handlers
// before anything else loads; installing again is a no-op). `train` checkpoints on Ctrl-C with its own handler.
installInterruptHandlers();
program.hook("preAction", (_program, command) => { if (command.name() === "train") uninstallInterruptHandlers(); });
program
  .name("netsize")
  .description("How big is a trained neural network, really? Exact regions, stable units, lossless compression.")
  .version("0.1.0")
  .showHelpAfterError()
  .exitOverride((err) => {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") process.exit(0);
    process.exit(2);
  });

  for (const cmd of [info, evalCmd, convert, regions, bounds, stability, compress, simplicity, condensation, graph, shallow, ensemble, report, transform, train, demo, lenses]) cmd.register(program);
sweep.register(program);
worker.register(program);

program.parseAsync(process.argv).catch(exitWithError);
