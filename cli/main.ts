import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index';

/** `rekindle`: the command line for the local runtime, the models and a deployed API. */
export function buildProgram(): Command {
  const program = new Command('rekindle')
    .description('Rekindle: a serverless retention engine. Scores users, detects silence, wins them back.')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerCommands(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`rekindle: ${message}\n`);
    process.exitCode = 1;
  }
}

await main(process.argv);
