// STUB: the 'train' command; its owner replaces this file.
import { Command } from "commander";

/** Register the 'train' command. */
export function register(program: Command): void {
  void program;
}
