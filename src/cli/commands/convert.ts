// STUB: the 'convert' command; its owner replaces this file.
import { Command } from "commander";

/** Register the 'convert' command. */
export function register(program: Command): void {
  void program;
}
