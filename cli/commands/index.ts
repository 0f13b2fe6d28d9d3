import type { Command } from 'commander';
import { registerEventCommands } from './events';
import { registerHealthCommands, registerSimulateCommand } from './health';
import { registerJourneyCommands } from './journeys';
import { registerLocalCommands } from './local';
import { registerLoyaltyCommands } from './loyalty';
import { registerMessagingCommands } from './messaging';
import { registerModelsCommands } from './models';
import { registerScoringCommands } from './scoring';
import { registerUserCommands } from './users';

/** Each feature adds its commands here, one module per feature. */
export function registerCommands(program: Command): void {
  registerLocalCommands(program);
  registerEventCommands(program);
  registerUserCommands(program);
  registerModelsCommands(program);
  registerJourneyCommands(program);
  registerLoyaltyCommands(program);
  registerMessagingCommands(program);
  registerScoringCommands(program);
  registerHealthCommands(program);
  registerSimulateCommand(program);
}
