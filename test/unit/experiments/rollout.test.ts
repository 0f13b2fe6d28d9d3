import { describe, expect, it } from 'vitest';
import {
  applyRolloutDecision,
  decideRollout,
  liftConfidenceSequence,
  resumeRollout,
  RolloutPlan,
  rolloutStageOf,
  startRollout,
  type RolloutObservation,
} from '../../../shared/domain/experiments';

const LAUNCH = new Date('2026-11-02T08:00:00Z');
const plan = RolloutPlan.parse({});
const hours = (n: number) => new Date(LAUNCH.getTime() + n * 3_600_000);
const healthy = (now: Date, contacted: number): RolloutObservation => ({
  now,
  contacted,
  unsubscribed: 0,
  complained: 0,
  bounced: 0,
  treated: { users: contacted, conversions: Math.round(contacted * 0.1) },
  control: { users: 100, conversions: 10 },
});

describe('rollout plan', () => {
  it('defaults to 5% → 20% → 100% and refuses stages that do not grow to the whole audience', () => {
    expect(plan.stages.map((stage) => stage.share)).toEqual([0.05, 0.2, 1]);
    expect(RolloutPlan.safeParse({ stages: [{ share: 0.5, minHours: 1, minSample: 1 }] }).success).toBe(false);
    expect(
      RolloutPlan.safeParse({
        stages: [
          { share: 0.5, minHours: 1, minSample: 1 },
          { share: 0.4, minHours: 1, minSample: 1 },
        ],
      }).success,
    ).toBe(false);
  });

  it('puts about 5% of users in the first stage and 15% in the second, stably', () => {
    // Act
    const stages = Array.from({ length: 10_000 }, (_, index) => rolloutStageOf('r3-test', `u-${index}`, plan.stages));
    // Assess
    const share = (stage: number) => stages.filter((found) => found === stage).length / stages.length;
    expect(share(0)).toBeGreaterThan(0.04);
    expect(share(0)).toBeLessThan(0.06);
    expect(share(1)).toBeGreaterThan(0.13);
    expect(share(1)).toBeLessThan(0.17);
    expect(rolloutStageOf('r3-test', 'u-7', plan.stages)).toBe(stages[7]);
  });
});

describe('decideRollout', () => {
  it('advances only after the minimum time and the minimum sample, stage by stage, to completion', () => {
    // Prepare
    let state = startRollout('r3-test', plan, LAUNCH);
    // Act and assess
    expect(decideRollout(plan, state, healthy(hours(23), 500))).toEqual({ kind: 'wait', reason: 'min-time' });
    expect(decideRollout(plan, state, healthy(hours(24), 99))).toEqual({ kind: 'wait', reason: 'min-sample' });
    const advance = decideRollout(plan, state, healthy(hours(24), 100));
    expect(advance).toEqual({ kind: 'advance', toStage: 1 });
    state = applyRolloutDecision(plan, state, advance, hours(24));
    expect(decideRollout(plan, state, healthy(hours(71), 600))).toEqual({ kind: 'wait', reason: 'min-time' });
    state = applyRolloutDecision(plan, state, decideRollout(plan, state, healthy(hours(72), 600)), hours(72));
    expect(state.stage).toBe(2);
    expect(state.status).toBe('complete');
    expect(state.history.map((event) => event.kind)).toEqual(['stage-started', 'stage-started', 'stage-started', 'completed']);
  });

  it('halts on an unsubscribe spike, records why, and advances again only after a person resumes', () => {
    // Prepare
    const state = startRollout('r3-test', plan, LAUNCH);
    const spike = { ...healthy(hours(30), 200), unsubscribed: 9 };
    // Act
    const decision = decideRollout(plan, state, spike);
    const halted = applyRolloutDecision(plan, state, decision, hours(30));
    // Assess
    expect(decision).toEqual({ kind: 'halt', breaches: [{ guardrail: 'unsubscribe-rate', observed: 0.045, limit: 0.02 }] });
    expect(halted.status).toBe('halted');
    expect(decideRollout(plan, halted, healthy(hours(40), 300))).toEqual({ kind: 'wait', reason: 'halted' });
    const resumed = resumeRollout(halted, hours(41));
    expect(decideRollout(plan, resumed, { ...spike, now: hours(42) })).toEqual({ kind: 'advance', toStage: 1 });
  });

  it('halts when the always-valid interval of the primary metric lies wholly under control beyond the margin, once the sample is met', () => {
    // Prepare
    const state = startRollout('r3-test', plan, LAUNCH);
    const worse = { ...healthy(hours(30), 2_000), treated: { users: 2_000, conversions: 100 }, control: { users: 2_000, conversions: 200 } };
    const upper = liftConfidenceSequence(worse.treated, worse.control, { alpha: 0.05, tuningSample: plan.tuningSample })!.upper;
    // Act
    const decision = decideRollout(plan, state, worse);
    // Assess: 5% against 10% over 2,000 each is confidently more than 2 points worse
    expect(upper).toBeLessThan(-0.02);
    expect(decision).toEqual({ kind: 'halt', breaches: [{ guardrail: 'primary-metric', observed: upper, limit: -0.02 }] });
    // The same 5-point drop over 200 each is noise at an hourly look: the interval reaches above −2 points.
    const small = { ...worse, contacted: 200, treated: { users: 200, conversions: 10 }, control: { users: 200, conversions: 20 } };
    expect(decideRollout(plan, state, small).kind).not.toBe('halt');
    // Under the stage's minimum sample nothing is read of the primary metric.
    expect(decideRollout(plan, state, { ...worse, contacted: 50 }).kind).not.toBe('halt');
  });
});
