import { describe, expect, it } from 'vitest';
import { DEFAULT_JOURNEYS } from '../../../shared/domain/journeys/default-journeys';
import { parseJourneyDefinition } from '../../../shared/domain/journeys/journey-definition';
import {
  DEADLINE_GRACE_SECONDS,
  advanceCursor,
  buildExecutionInput,
  compileJourneyPlan,
  decideStep,
  estimateTransitions,
  JourneyExecutionInput,
  type ContinuingCursor,
  type JourneyCursor,
  type StepFacts,
} from '../../../shared/domain/journeys/journey-plan';

const DAY = 86_400;

const fourSends = parseJourneyDefinition({
  id: 'four-sends',
  name: 'Four sends',
  tier: 'R4',
  steps: [
    { kind: 'wait', days: 1 },
    { kind: 'send', channels: ['email'], templateId: 'a' },
    { kind: 'wait', days: 2 },
    { kind: 'send', channels: ['sms'], templateId: 'b' },
    { kind: 'wait', days: 3 },
    { kind: 'send', channels: ['email', 'sms'], templateId: 'c' },
    { kind: 'wait', days: 4 },
    { kind: 'send', channels: ['push'], templateId: 'd' },
  ],
  maxDurationDays: 20,
});

describe('compileJourneyPlan', () => {
  it('merges waits into the following send with absolute offsets and relative waits', () => {
    // Prepare: offsets are the running sums of the waits: 1, 1+2, 1+2+3, 1+2+3+4 days.

    // Act
    const plan = compileJourneyPlan(fourSends);

    // Assess
    expect(plan.steps.map((step) => step.atOffsetSeconds)).toEqual([1 * DAY, 3 * DAY, 6 * DAY, 10 * DAY]);
    expect(plan.steps.map((step) => step.waitSeconds)).toEqual([1 * DAY, 2 * DAY, 3 * DAY, 4 * DAY]);
    expect(plan.steps.map((step) => (step.kind === 'send' ? step.templateId : step.kind))).toEqual(['a', 'b', 'c', 'd']);
    expect(plan.maxDurationSeconds).toBe(20 * DAY);
  });

  it('adds the escalation step at the maximum duration', () => {
    // Prepare: R5 sends at day 0 and day 7, maximum 30 days.

    // Act
    const plan = compileJourneyPlan(DEFAULT_JOURNEYS.R5);

    // Assess
    expect(plan.steps.at(-1)).toEqual({
      kind: 'escalate',
      index: 2,
      atOffsetSeconds: 30 * DAY,
      waitSeconds: 23 * DAY,
      nextIndex: null,
      escalation: { kind: 'sunset' },
    });
  });
});

describe('estimateTransitions', () => {
  it('counts Wait + Task + Choice per send plus the final Succeed: 13 for four sends', () => {
    // Prepare / Act
    const transitions = estimateTransitions(fourSends);

    // Assess
    expect(transitions).toBe(3 * 4 + 1);
  });

  it('keeps every default journey within 15 transitions per user', () => {
    // Prepare / Act
    const counts = Object.values(DEFAULT_JOURNEYS).map(estimateTransitions);

    // Assess: R1, R2 two sends (7), R3, R4 three sends (10), R5 two sends + sunset (10).
    expect(counts).toEqual([7, 7, 10, 10, 10]);
  });

  it('matches the transitions of a simulated run through the loop', () => {
    // Prepare: walk the documented ASL, counting every state entered.
    const plan = compileJourneyPlan(fourSends);
    const enrolledAt = new Date('2026-03-01T00:00:00Z');
    let cursor: JourneyCursor = buildExecutionInput(plan, 'u1', enrolledAt).cursor;
    let elapsedSeconds = 0;
    let transitions = 0;

    // Act
    while (cursor.status === 'continue') {
      transitions += 1; // WaitForStep
      elapsedSeconds += cursor.waitSeconds;
      transitions += 1; // CheckExitAndSend
      const facts: StepFacts = {
        now: new Date(enrolledAt.getTime() + elapsedSeconds * 1000),
        cameBack: false,
        journeyStatus: 'running',
        killSwitchEngaged: false,
      };
      cursor = advanceCursor(plan, cursor, decideStep(plan, enrolledAt, cursor, facts));
      transitions += 1; // MoreSteps
    }
    transitions += 1; // Done

    // Assess
    expect(cursor).toEqual({ status: 'finished' });
    expect(transitions).toBe(estimateTransitions(fourSends));
    expect(elapsedSeconds).toBe(10 * DAY);
  });
});

describe('decideStep and advanceCursor', () => {
  const plan = compileJourneyPlan(fourSends);
  const enrolledAt = new Date('2026-03-01T00:00:00Z');
  const atSecondStep: ContinuingCursor = { status: 'continue', stepIndex: 1, waitSeconds: 2 * DAY, holds: 0 };
  const dueAt = new Date(enrolledAt.getTime() + 3 * DAY * 1000);
  const running: StepFacts = { now: dueAt, cameBack: false, journeyStatus: 'running', killSwitchEngaged: false };

  it('performs the due step and moves to the next with its relative wait', () => {
    // Prepare / Act
    const decision = decideStep(plan, enrolledAt, atSecondStep, running);
    const next = advanceCursor(plan, atSecondStep, decision);

    // Assess
    expect(decision).toEqual({ kind: 'perform', step: plan.steps[1] });
    expect(next).toEqual({ status: 'continue', stepIndex: 2, waitSeconds: 3 * DAY, holds: 0 });
  });

  it('exits a user who came back, even while the journey is paused', () => {
    // Prepare / Act
    const decision = decideStep(plan, enrolledAt, atSecondStep, { ...running, cameBack: true, journeyStatus: 'paused' });

    // Assess
    expect(advanceCursor(plan, atSecondStep, decision)).toEqual({ status: 'exited', reason: 'came-back' });
  });

  it('ends the execution of a stopped journey', () => {
    // Prepare / Act
    const decision = decideStep(plan, enrolledAt, atSecondStep, { ...running, journeyStatus: 'stopped' });

    // Assess
    expect(decision).toEqual({ kind: 'exit', reason: 'journey-stopped' });
  });

  it.each([
    ['paused', { journeyStatus: 'paused' as const }, 'journey-paused'],
    ['kill switch', { killSwitchEngaged: true }, 'kill-switch'],
  ])('holds a send when %s and re-checks the same step a day later', (_label, change, reason) => {
    // Prepare / Act
    const decision = decideStep(plan, enrolledAt, atSecondStep, { ...running, ...change });
    const next = advanceCursor(plan, atSecondStep, decision);

    // Assess
    expect(decision).toEqual({ kind: 'hold', reason, recheckAfterSeconds: DAY });
    expect(next).toEqual({ status: 'continue', stepIndex: 1, waitSeconds: DAY, holds: 1 });
  });

  it('never holds past the deadline and drops a send once the deadline has passed', () => {
    // Prepare: the deadline is the maximum duration (20 days) plus the grace.
    const deadlineMs = enrolledAt.getTime() + (20 * DAY + DEADLINE_GRACE_SECONDS) * 1000;
    const twoHoursBefore = new Date(deadlineMs - 7_200_000);

    // Act
    const hold = decideStep(plan, enrolledAt, atSecondStep, { ...running, now: twoHoursBefore, journeyStatus: 'paused' });
    const late = decideStep(plan, enrolledAt, atSecondStep, { ...running, now: new Date(deadlineMs) });

    // Assess
    expect(hold).toEqual({ kind: 'hold', reason: 'journey-paused', recheckAfterSeconds: 7_200 });
    expect(late).toEqual({ kind: 'exit', reason: 'deadline-passed' });
  });

  it('runs the escalation step even while the journey is paused (it sends nothing)', () => {
    // Prepare
    const r5 = compileJourneyPlan(DEFAULT_JOURNEYS.R5);
    const atSunset: ContinuingCursor = { status: 'continue', stepIndex: 2, waitSeconds: 23 * DAY, holds: 0 };

    // Act
    const decision = decideStep(r5, enrolledAt, atSunset, { ...running, now: new Date(enrolledAt.getTime() + 30 * DAY * 1000), journeyStatus: 'paused' });

    // Assess
    expect(decision).toEqual({ kind: 'perform', step: r5.steps[2] });
    expect(advanceCursor(r5, atSunset, decision)).toEqual({ status: 'finished' });
  });

  it('builds an execution input that validates against its own schema', () => {
    // Prepare / Act
    const input = buildExecutionInput(plan, 'user-1', enrolledAt);

    // Assess
    expect(JourneyExecutionInput.parse(JSON.parse(JSON.stringify(input)))).toEqual(input);
    expect(input.cursor).toEqual({ status: 'continue', stepIndex: 0, waitSeconds: DAY, holds: 0 });
  });
});
