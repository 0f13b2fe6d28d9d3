import { describe, expect, it } from 'vitest';
import type { DailyActivity } from '../../../shared/domain/events/daily-activity';
import {
  branchCursor,
  compileJourneyPlan,
  decideEntry,
  DEFAULT_LIFECYCLE_JOURNEYS,
  estimatePlanTransitions,
  estimateTransitions,
  eventsSinceEntry,
  JourneyDefinitionInvalid,
  journeyExecutionName,
  parseJourneyDefinition,
  sideTaken,
  type JourneyDefinitionInput,
  type PlanBranchStep,
} from '../../../shared/domain/journeys';

const DAY_SECONDS = 86_400;

function day(date: string, fields: Partial<DailyActivity> = {}): DailyActivity {
  return {
    userId: 'u-1',
    day: date,
    eventCount: 1,
    sessions: 0,
    featureUses: {},
    searches: 0,
    purchases: 0,
    purchaseAmount: 0,
    refunds: 0,
    refundAmount: 0,
    checkins: 0,
    referralSignups: 0,
    messageOpens: 0,
    messageClicks: 0,
    unsubscribes: 0,
    firstEventAt: `${date}T08:00:00.000Z`,
    lastEventAt: `${date}T20:00:00.000Z`,
    ...fields,
  };
}

const lifecycle = (overrides: Partial<JourneyDefinitionInput> = {}): JourneyDefinitionInput => ({
  id: 'lc-test',
  name: 'Lifecycle test',
  entry: { kind: 'event', event: { type: 'purchase' }, first: true },
  steps: [
    { kind: 'send', channels: ['email'], templateId: 'lifecycle-welcome' },
    { kind: 'wait', days: 2 },
    {
      kind: 'branch',
      if: { kind: 'event-since-entry', event: { type: 'session' } },
      then: [{ kind: 'send', channels: ['push'], templateId: 'a' }],
      else: [
        { kind: 'wait', days: 1 },
        { kind: 'send', channels: ['email'], templateId: 'b' },
      ],
    },
  ],
  exitWhen: { kind: 'event', event: { type: 'purchase' } },
  maxDurationDays: 10,
  ...overrides,
});

describe('decideEntry', () => {
  const now = new Date('2026-03-10T12:00:00.000Z');
  const left = { entries: 1, lastEnteredAt: '2026-03-01T12:00:00.000Z', lastEntryEventId: 'e-1', lastExitAt: '2026-03-06T12:00:00.000Z', lastExitEntry: 1 };

  it('enters a first time, and answers a redelivered entry event with the same entry', () => {
    expect(decideEntry(undefined, { kind: 'never' }, now, 'e-1')).toEqual({ kind: 'enter', entry: 1 });
    expect(decideEntry(left, { kind: 'never' }, now, 'e-1')).toEqual({ kind: 'same-entry', entry: 1 });
  });

  it('refuses by the policy: never, while still in the journey, inside the cooldown, past the most entries', () => {
    expect(decideEntry(left, { kind: 'never' }, now, 'e-2')).toEqual({ kind: 'refuse', reason: 'never' });
    expect(decideEntry({ ...left, lastExitAt: undefined, lastExitEntry: undefined }, { kind: 'at-most', times: 3 }, now, 'e-2')).toEqual({
      kind: 'refuse',
      reason: 'still-in-journey',
    });
    expect(decideEntry(left, { kind: 'after-cooldown', days: 5 }, now, 'e-2')).toEqual({ kind: 'refuse', reason: 'cooldown' });
    expect(decideEntry({ ...left, entries: 3, lastExitEntry: 3 }, { kind: 'at-most', times: 3 }, now, 'e-2')).toEqual({
      kind: 'refuse',
      reason: 'max-entries',
    });
    expect(decideEntry({ ...left, entries: 2, lastExitEntry: 2 }, { kind: 'after-cooldown', days: 1, maxEntries: 2 }, now, 'e-2')).toEqual({
      kind: 'refuse',
      reason: 'max-entries',
    });
  });

  it('enters again once the cooldown has passed since the user left, as the next entry', () => {
    expect(decideEntry(left, { kind: 'after-cooldown', days: 4 }, now, 'e-2')).toEqual({ kind: 'enter', entry: 2 });
    expect(decideEntry(left, { kind: 'at-most', times: 2 }, now, 'e-2')).toEqual({ kind: 'enter', entry: 2 });
  });
});

describe('eventsSinceEntry', () => {
  const enteredAt = new Date('2026-03-01T12:00:00.000Z');

  it('leaves the entry event out on its own day, and counts later days whole', () => {
    const days = [day('2026-02-20', { purchases: 3 }), day('2026-03-01', { purchases: 1 }), day('2026-03-03', { purchases: 2 })];
    expect(eventsSinceEntry({ type: 'purchase' }, enteredAt, days.slice(0, 2), true)).toBe(0);
    expect(eventsSinceEntry({ type: 'purchase' }, enteredAt, days, true)).toBe(2);
    expect(eventsSinceEntry({ type: 'purchase' }, enteredAt, days, false)).toBe(3);
  });

  it('counts a feature only when it is the one asked for, and a purchase only over the amount', () => {
    const days = [day('2026-03-02', { featureUses: { search: 2 }, purchases: 1, purchaseAmount: 20 })];
    expect(eventsSinceEntry({ type: 'feature_use', feature: 'search' }, enteredAt, days, false)).toBe(2);
    expect(eventsSinceEntry({ type: 'feature_use', feature: 'share' }, enteredAt, days, false)).toBe(0);
    expect(eventsSinceEntry({ type: 'purchase', minAmount: 50 }, enteredAt, days, false)).toBe(0);
  });
});

describe('lifecycle definitions and plans', () => {
  it('compiles a branch into a step whose sides run on to the end, the entry delay before the first step', () => {
    // Prepare
    const definition = parseJourneyDefinition(lifecycle({ entry: { kind: 'event', event: { type: 'purchase' }, delayDays: 1 } }));

    // Act
    const plan = compileJourneyPlan(definition);

    // Assess
    expect(plan.steps.map((step) => [step.kind, step.index, step.atOffsetSeconds / DAY_SECONDS, step.waitSeconds / DAY_SECONDS, step.nextIndex])).toEqual([
      ['send', 0, 1, 1, 1],
      ['branch', 1, 3, 2, null],
      ['send', 2, 3, 0, null],
      ['send', 3, 4, 1, null],
    ]);
    expect(plan.steps[1]).toMatchObject({ thenIndex: 2, elseIndex: 3 });
    // Send (3) + branch (5) + send (3) + end (1).
    expect(estimateTransitions(definition)).toBe(12);
    expect(estimatePlanTransitions(plan)).toBe(12);
  });

  it('answers the cursor the Choice state tests: each side with its wait, unknown facts to else', () => {
    // Prepare
    const plan = compileJourneyPlan(parseJourneyDefinition(lifecycle()));
    const step = plan.steps[1] as PlanBranchStep;
    const cursor = { status: 'continue' as const, stepIndex: 1, waitSeconds: 0, holds: 0 };

    // Act
    const happened = branchCursor(plan, cursor, step, { kind: 'happened', value: true });
    const unknown = branchCursor(plan, cursor, step, { kind: 'number', value: undefined });

    // Assess
    expect(sideTaken(happened)).toBe('then');
    expect(happened.then).toEqual({ status: 'continue', stepIndex: 2, waitSeconds: 0, holds: 0 });
    expect(happened.else).toEqual({ status: 'continue', stepIndex: 3, waitSeconds: DAY_SECONDS, holds: 0 });
    expect(sideTaken(unknown)).toBe('else');
  });

  it('refuses a branch before other steps, an audience journey without a tier, and a longest way over the budget, naming the field', () => {
    const problems = (input: JourneyDefinitionInput) => {
      try {
        parseJourneyDefinition(input);
        return [];
      } catch (error) {
        return (error as JourneyDefinitionInvalid).problems.map((problem) => `${problem.path}: ${problem.message}`);
      }
    };
    const branch = lifecycle().steps[2]!;
    expect(problems(lifecycle({ steps: [branch, { kind: 'send', channels: ['email'], templateId: 'x' }] }))).toContainEqual(
      expect.stringMatching(/^steps\[0\]: a branch is the last step/),
    );
    expect(problems(lifecycle({ entry: { kind: 'audience' } }))).toContainEqual(expect.stringMatching(/^tier: /));
    const send = { kind: 'send' as const, channels: ['email' as const], templateId: 'x' };
    expect(
      problems(
        lifecycle({
          steps: [send, { kind: 'branch', if: { kind: 'score-below', attribute: 'churnRisk', value: 0.5 }, then: [send, send, send], else: [send] }],
        }),
      ),
    ).toContainEqual(expect.stringMatching(/^steps: the longest way through takes 18 state transitions/));
  });

  it('ships the welcome series and the second-purchase nudge as valid lifecycle journeys within the budget', () => {
    for (const definition of Object.values(DEFAULT_LIFECYCLE_JOURNEYS)) {
      expect(definition.entry.kind).toBe('event');
      expect(estimateTransitions(definition)).toBeLessThanOrEqual(15);
    }
  });
});

describe('journeyExecutionName with entries', () => {
  it('keeps the first entry name and gives each later entry its own', () => {
    expect(journeyExecutionName('lc-a', 'u-1')).toBe('lc-a_u-1');
    expect(journeyExecutionName('lc-a', 'u-1', 1)).toBe('lc-a_u-1');
    expect(journeyExecutionName('lc-a', 'u-1', 2)).toBe('lc-a_u-1_2');
    expect(journeyExecutionName('lc-a', 'u.1', 2)).not.toBe(journeyExecutionName('lc-a', 'u.1'));
  });
});
