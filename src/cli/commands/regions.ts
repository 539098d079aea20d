// STUB: the 'regions' command; its owner replaces this file.
import { Command } from "commander";

/** Register the 'regions' command. */
export function register(program: Command): void {
  void program;
}
