/**
 * The Step Functions shape every recall journey runs on, and what it costs in state transitions.
 * Kept apart from the plan compiler so validation and cost estimates use the very same arithmetic.
 *
 * The ASL (Standard, JSONPath only) is one generic loop, the same for every journey:
 *
 * ```
 * StartAt: WaitForStep
 * WaitForStep       Wait    SecondsPath: $.cursor.waitSeconds             Next: CheckExitAndSend
 * CheckExitAndSend  Task    Lambda; Parameters: the whole input (plan, userId, enrolledAt, cursor)
 *                           ResultPath: $.cursor; Retry (backoff + jitter) on transient errors;
 *                           Catch → RecordFailure (a Task, then Fail)      Next: MoreSteps
 * MoreSteps         Choice  $.cursor.status == "continue" → WaitForStep; Default → Done
 * Done              Succeed
 * ```
 *
 * Each plan step therefore enters three states (Wait, Task, Choice) and the run ends with one
 * Succeed: `3 × planSteps + 1` transitions when the user goes through the whole journey. A user who
 * comes back exits earlier and costs less. Not counted: Task retries (one transition each), hold
 * loops while a journey is paused or the kill switch is on (three per re-check), and the failure
 * branch. The first step's Wait is entered even when it waits 0 seconds: it keeps the loop
 * branch-free, at the price of one transition per user.
 */

/** States entered per plan step: WaitForStep, CheckExitAndSend, MoreSteps. */
export const TRANSITIONS_PER_PLAN_STEP = 3;

/** States entered once per execution besides the loop: the final Succeed. */
export const TRANSITIONS_PER_EXECUTION_END = 1;

/** Cost target from DESIGN.md: at most 15 transitions per enrolled user. */
export const MAX_TRANSITIONS_PER_ENROLLED_USER = 15;

/** Sends allowed in one journey: four sends take 13 transitions, leaving room for nothing else but the end. */
export const MAX_SENDS_PER_JOURNEY = 4;

/** Transitions for an execution that performs `planStepCount` steps and then ends. */
export function transitionsForPlanSteps(planStepCount: number): number {
  return TRANSITIONS_PER_PLAN_STEP * planStepCount + TRANSITIONS_PER_EXECUTION_END;
}

/**
 * States a branch step enters: WaitForStep, CheckExitAndSend (which reads the fact), MoreSteps,
 * the Branch Choice that tests it, and TakeThen or TakeElse (a Pass that moves the cursor).
 */
export const TRANSITIONS_PER_BRANCH = 5;
