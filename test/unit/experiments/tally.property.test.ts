import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildExperimentReport,
  countMember,
  DEFAULT_GLOBAL_CONTROL,
  emptyTally,
  experimentAssignment,
  isInGlobalControl,
  mergeTallies,
  observationOf,
  rolloutHaltedAlert,
  rolloutStageOf,
  type ExperimentTally,
  type MemberReading,
} from '../../../shared/domain/experiments';
import { isInHoldout, parseJourneyDefinition } from '../../../shared/domain/journeys';

const definition = parseJourneyDefinition({
  id: 'tally-unit',
  name: 'Tally',
  tier: 'R3',
  steps: [{ kind: 'send', channels: ['email'], templateId: 'recall-r1', variants: [{ id: 'a' }, { id: 'b', weight: 2 }] }],
  maxDurationDays: 10,
  holdoutShare: 0.2,
  rollout: {
    stages: [
      { share: 0.3, minHours: 1, minSample: 1 },
      { share: 1, minHours: 0, minSample: 0 },
    ],
  },
});
const ENROLLED = '2026-03-02T09:00:00.000Z';

/** A member as read: assignment by the real hashes, outcome flags drawn by the property. */
const reading = fc
  .record({
    index: fc.nat({ max: 5_000 }),
    contacted: fc.boolean(),
    reactivated7d: fc.boolean(),
    opened: fc.boolean(),
    revenue: fc.integer({ min: 0, max: 500 }),
    unsubscribed: fc.boolean(),
    complained: fc.boolean(),
  })
  .map((drawn): MemberReading => {
    const userId = `tu-${drawn.index}`;
    const holdout = isInHoldout(definition.id, userId, definition.holdoutShare);
    return {
      member: { userId, tier: 'R3', holdout, enrolledAt: ENROLLED, ...experimentAssignment(definition, userId, holdout) },
      outcome: {
        userId,
        tier: 'R3',
        holdout,
        contacted: !holdout && drawn.contacted,
        skippedReasons: [],
        notSentReasons: [],
        delivered: !holdout && drawn.contacted,
        opened: drawn.opened,
        clicked: false,
        reactivatedWithin7d: drawn.reactivated7d,
        reactivatedWithin30d: drawn.reactivated7d,
        revenueAfterEnrollment: drawn.revenue,
        featuresUsedBefore: [],
        featuresUsedAfterReactivation: [],
      },
      unsubscribedByEvent: drawn.unsubscribed,
      feedback: { unsubscribed: false, complained: drawn.complained, bounced: false },
    };
  });

const fold = (readings: readonly MemberReading[], stage: number): ExperimentTally =>
  readings.reduce((tally, entry) => countMember(tally, definition, DEFAULT_GLOBAL_CONTROL, entry), emptyTally(definition, stage));

describe('the experiment tally', () => {
  it('is the same however the members are split into pages and shards, in any order', () => {
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 60 }), fc.nat(), fc.integer({ min: 0, max: 1 }), (readings, cut, stage) => {
        const at = readings.length === 0 ? 0 : cut % readings.length;
        const whole = fold(readings, stage);
        const pages = mergeTallies(fold(readings.slice(at), stage), fold(readings.slice(0, at), stage));
        expect(pages).toEqual(whole);
        expect(whole.read).toBe(readings.length);
      }),
    );
  });

  it('counts only the stages begun, each member in one arm: global control first, then holdout, else its variant', () => {
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 80 }), (readings) => {
        // Act
        const tally = fold(readings, 0);
        const report = buildExperimentReport(definition, null, { journeyId: definition.id, asOf: ENROLLED, tally }, DEFAULT_GLOBAL_CONTROL.share);
        // Assess: expectations from the hashes directly
        const stageOf = (entry: MemberReading) => rolloutStageOf(definition.id, entry.member.userId, definition.rollout!.stages);
        const begun = readings.filter((entry) => stageOf(entry) === 0);
        const control = begun.filter((entry) => isInGlobalControl(entry.member.userId, DEFAULT_GLOBAL_CONTROL));
        const holdout = begun.filter((entry) => !control.includes(entry) && entry.member.holdout);
        const treated = begun.filter((entry) => !control.includes(entry) && !entry.member.holdout);
        const ofVariant = (id: string) => treated.filter((entry) => entry.member.variants?.['1'] === id).length;
        expect(report.steps[0]!.variants.a!.users).toBe(ofVariant('a'));
        expect(report.steps[0]!.variants.b!.users).toBe(ofVariant('b'));
        expect(report.steps[0]!.holdout.users).toBe(holdout.length);
        expect(report.globalControl.members.users).toBe(control.length);
        expect(report.stages.map((stage) => stage.treated.users)).toEqual([treated.length]);
        expect(tally.guardrails.contacted).toBe(treated.filter((entry) => entry.outcome.contacted).length);
        expect(tally.guardrails.complained).toBe(treated.filter((entry) => entry.outcome.contacted && entry.feedback?.complained).length);
        // The primary metric is intention to treat: every treated user of the stages begun, contacted or not, against the holdout.
        const observation = observationOf(tally, new Date(ENROLLED));
        expect(observation.treated).toEqual({ users: treated.length, conversions: treated.filter((entry) => entry.outcome.reactivatedWithin7d).length });
        expect(observation.control).toEqual({ users: holdout.length, conversions: holdout.filter((entry) => entry.outcome.reactivatedWithin7d).length });
      }),
    );
  });
});

describe('the halt alert', () => {
  it('is listed on the halt day of the reporting zone, with an id naming the journey and the moment (so once per halt)', () => {
    const halt = {
      journeyId: 'j',
      stage: 1,
      at: '2026-03-02T20:00:00.000Z',
      breaches: [{ guardrail: 'unsubscribe-rate' as const, observed: 0.1, limit: 0.02 }],
    };
    const shanghai = rolloutHaltedAlert(halt, 'Asia/Shanghai');
    const losAngeles = rolloutHaltedAlert(halt, 'America/Los_Angeles');
    expect(shanghai).toMatchObject({ day: '2026-03-03', level: 'orange', subject: { kind: 'rollout-halted', journeyId: 'j', stage: 1 } });
    expect(losAngeles.day).toBe('2026-03-02');
    expect(shanghai.alertId).toBe(rolloutHaltedAlert(halt, 'Asia/Shanghai').alertId);
    expect(rolloutHaltedAlert({ ...halt, at: '2026-03-02T21:00:00.000Z' }, 'Asia/Shanghai').alertId).not.toBe(shanghai.alertId);
    expect(shanghai.summary).toContain('stage 2');
  });
});
