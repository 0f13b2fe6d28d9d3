import type { Command } from 'commander';
import { registerEventCommands } from './events';
import { registerLocalCommands } from './local';
import { registerMessagingCommands } from './messaging';
import { registerLoyaltyCommands } from './loyalty';
import { registerModelsCommands } from './models';
import { registerUserCommands } from './users';

/** Each feature adds its commands here, one module per feature. */
export function registerCommands(program: Command): void {
  registerLocalCommands(program);
  registerEventCommands(program);
  registerUserCommands(program);
  registerModelsCommands(program);
  registerMessagingCommands(program);
  registerLoyaltyCommands(program);
}
