/**
 * A journey's lifecycle as a pure state machine: the API, the CLI and the automatic recall all go
 * through {@link applyJourneyCommand}, so an illegal move is refused the same way everywhere.
 */
import { z } from 'zod';
import { assertNever, IllegalJourneyTransition } from './errors';

export const JourneyStatus = z.enum(['draft', 'running', 'paused', 'stopped', 'completed']);
export type JourneyStatus = z.infer<typeof JourneyStatus>;

/** What a marketer (or the system, for `complete`) asks of a journey. */
export const JourneyCommand = z.enum(['launch', 'pause', 'resume', 'stop', 'complete']);
export type JourneyCommand = z.infer<typeof JourneyCommand>;

/**
 * The status a command leads to from a given status, or undefined when the command is not allowed.
 * - draft → running (launch) or stopped (discarded before launch);
 * - running ⇄ paused; a paused journey sends nothing until resumed;
 * - running or paused → stopped: final, every open execution ends;
 * - running → completed: final, set once every execution has ended on its own. A paused journey
 *   must be resumed or stopped first, so "completed" never hides a pause someone forgot.
 */
export function nextJourneyStatus(from: JourneyStatus, command: JourneyCommand): JourneyStatus | undefined {
  switch (command) {
    case 'launch':
      return from === 'draft' ? 'running' : undefined;
    case 'pause':
      return from === 'running' ? 'paused' : undefined;
    case 'resume':
      return from === 'paused' ? 'running' : undefined;
    case 'stop':
      return from === 'draft' || from === 'running' || from === 'paused' ? 'stopped' : undefined;
    case 'complete':
      return from === 'running' ? 'completed' : undefined;
    default:
      return assertNever(command);
  }
}

/**
 * Applies a lifecycle command.
 * @throws {IllegalJourneyTransition} when the command is not allowed from `from`.
 */
export function applyJourneyCommand(from: JourneyStatus, command: JourneyCommand): JourneyStatus {
  const next = nextJourneyStatus(from, command);
  if (next === undefined) throw new IllegalJourneyTransition(from, command);
  return next;
}

/** True when no command leads out of the status. */
export function isFinalJourneyStatus(status: JourneyStatus): boolean {
  return JourneyCommand.options.every((command) => nextJourneyStatus(status, command) === undefined);
}
