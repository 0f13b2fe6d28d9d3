/**
 * A journey's lifecycle as a pure state machine: the API, the CLI and the automatic recall all go
 * through {@link applyJourneyCommand}, so an illegal move is refused the same way everywhere.
 */
import { z } from 'zod';
import { assertNever, IllegalJourneyTransition } from './errors';

export const JourneyStatus = z.enum(['draft', 'launching', 'running', 'paused', 'stopped', 'completed']);
export type JourneyStatus = z.infer<typeof JourneyStatus>;

/** What a marketer (or the system, for `complete`) asks of a journey. */
export const JourneyCommand = z.enum(['launch', 'finish-launch', 'pause', 'resume', 'stop', 'complete']);
export type JourneyCommand = z.infer<typeof JourneyCommand>;

/**
 * The status a command leads to from a given status, or undefined when the command is not allowed.
 * - draft → running (launch) or stopped (discarded before launch);
 * - launching → running (finish-launch, by the launch workflow once its selection is done); a
 *   launching journey starts executions as its workflow queues them, and can be paused or stopped;
 * - running ⇄ paused; a paused journey sends nothing until resumed (resuming a journey paused
 *   during its launch goes back to launching: see {@link resumedStatus});
 * - launching, running or paused → stopped: final, every open execution ends;
 * - running → completed: final, set once every execution has ended on its own. A paused journey
 *   must be resumed or stopped first, so "completed" never hides a pause someone forgot.
 */
export function nextJourneyStatus(from: JourneyStatus, command: JourneyCommand): JourneyStatus | undefined {
  switch (command) {
    case 'launch':
      return from === 'draft' ? 'running' : undefined;
    case 'finish-launch':
      return from === 'launching' ? 'running' : undefined;
    case 'pause':
      return from === 'running' || from === 'launching' ? 'paused' : undefined;
    case 'resume':
      return from === 'paused' ? 'running' : undefined;
    case 'stop':
      return from === 'draft' || from === 'launching' || from === 'running' || from === 'paused' ? 'stopped' : undefined;
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

/**
 * The status a command leads a stored journey to: as {@link applyJourneyCommand}, except that
 * resuming a journey paused before its launch workflow finished goes back to `launching`, so the
 * workflow's finish step still moves it to running.
 * @throws {IllegalJourneyTransition} when the command is not allowed from the journey's status.
 */
export function resumedStatus(
  journey: { status: JourneyStatus; launch?: unknown; launchAttempt?: number | undefined },
  command: JourneyCommand,
): JourneyStatus {
  const next = applyJourneyCommand(journey.status, command);
  return command === 'resume' && isLaunchUnfinished(journey) ? 'launching' : next;
}

/**
 * True while a journey's launch workflow has not finished: a workflow launch (it has an attempt)
 * without its counts recorded, not closed. Journeys launched before launches were workflows have
 * no attempt and are never unfinished.
 */
export function isLaunchUnfinished(journey: { status: JourneyStatus; launch?: unknown; launchAttempt?: number | undefined }): boolean {
  return journey.launchAttempt !== undefined && journey.launch === undefined && (journey.status === 'launching' || journey.status === 'paused');
}

/** True while a journey's executions may be started: they hold at each step while it is paused. */
export function acceptsStarts(status: JourneyStatus): boolean {
  return status === 'launching' || status === 'running' || status === 'paused';
}
