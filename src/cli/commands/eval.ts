// STUB: the 'eval' command; its owner replaces this file.
import { Command } from "commander";

/** Register the 'eval' command. */
export function register(program: Command): void {
  void program;
}
