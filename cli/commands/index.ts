import type { Command } from 'commander';

/** Each feature adds its commands here, one module per feature. */
export function registerCommands(program: Command): void {
  void program;
}
