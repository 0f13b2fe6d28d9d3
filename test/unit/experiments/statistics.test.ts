import { describe, expect, it } from 'vitest';
import { analyseExperiment, checkSampleRatio, chiSquareSurvival, liftConfidenceSequence, type ArmCounts } from '../../../shared/domain/experiments';
import { liftFixedHorizonInterval } from '../../../shared/domain/experiments/statistics';
import { mulberry32, type RandomSource } from '../../../shared/domain/seed/random';

const EXPERIMENTS = 2_000;
const DAYS = 28;
const USERS_PER_ARM_PER_DAY = 150;
const CONTROL_RATE = 0.1;

function binomial(random: RandomSource, trials: number, probability: number): number {
  let successes = 0;
  for (let i = 0; i < trials; i++) if (random.next() < probability) successes += 1;
  return successes;
}

interface PeekingOutcome {
  /** The confidence sequence held the true lift at every daily look. */
  coveredAtEveryLook: boolean;
  /** Some daily look had the sequence's interval exclude 0 on one side. */
  declaredWinnerSequential: boolean;
  declaredWinnerFixedInterval: boolean;
}

/** One experiment read every day for four weeks, as a marketer refreshing the report would. */
function simulate(random: RandomSource, treatmentRate: number): PeekingOutcome {
  let treatment: ArmCounts = { users: 0, conversions: 0 };
  let control: ArmCounts = { users: 0, conversions: 0 };
  const trueLift = treatmentRate - CONTROL_RATE;
  const outcome: PeekingOutcome = { coveredAtEveryLook: true, declaredWinnerSequential: false, declaredWinnerFixedInterval: false };
  for (let day = 0; day < DAYS; day++) {
    treatment = { users: treatment.users + USERS_PER_ARM_PER_DAY, conversions: treatment.conversions + binomial(random, USERS_PER_ARM_PER_DAY, treatmentRate) };
    control = { users: control.users + USERS_PER_ARM_PER_DAY, conversions: control.conversions + binomial(random, USERS_PER_ARM_PER_DAY, CONTROL_RATE) };
    const sequence = liftConfidenceSequence(treatment, control)!;
    if (trueLift < sequence.lower || trueLift > sequence.upper) outcome.coveredAtEveryLook = false;
    if (sequence.lower > 0) outcome.declaredWinnerSequential = true;
    if (liftFixedHorizonInterval(treatment, control)!.lower > 0) outcome.declaredWinnerFixedInterval = true;
  }
  return outcome;
}

describe('always-valid lift under daily peeking (2,000 simulated experiments, seeded)', () => {
  it('covers a known effect at every daily look in at least 95% of experiments', () => {
    // Prepare
    const random = mulberry32(20261201);
    // Act
    const outcomes = Array.from({ length: EXPERIMENTS }, () => simulate(random, CONTROL_RATE + 0.02));
    // Assess
    const coverage = outcomes.filter((outcome) => outcome.coveredAtEveryLook).length / EXPERIMENTS;
    expect(coverage).toBeGreaterThanOrEqual(0.95);
  });

  it('declares a winner in at most 5% of experiments without an effect, where a daily fixed interval would in far more', () => {
    // Prepare
    const random = mulberry32(16);
    // Act
    const outcomes = Array.from({ length: EXPERIMENTS }, () => simulate(random, CONTROL_RATE));
    // Assess
    const falseWinners = outcomes.filter((outcome) => outcome.declaredWinnerSequential).length / EXPERIMENTS;
    const naiveFalseWinners = outcomes.filter((outcome) => outcome.declaredWinnerFixedInterval).length / EXPERIMENTS;
    expect(falseWinners).toBeLessThanOrEqual(0.05);
    // The peeking problem the sequence solves: a one-sided 2.5% test read 28 times.
    expect(naiveFalseWinners).toBeGreaterThan(0.05);
  });
});

describe('sample-ratio mismatch', () => {
  it('is flagged on a 52/48 split of 20,000 and not on a fair one', () => {
    // Act
    const skewed = checkSampleRatio([10_400, 9_600], [1, 1])!;
    const fair = checkSampleRatio([10_050, 9_950], [1, 1])!;
    // Assess
    expect(skewed.mismatch).toBe(true);
    expect(skewed.chiSquare).toBeCloseTo(32, 6);
    expect(fair.mismatch).toBe(false);
    expect(fair.pValue).toBeGreaterThan(0.1);
  });

  it('computes the chi-square tail as published tables do', () => {
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 9);
    expect(chiSquareSurvival(5.991464547107979, 2)).toBeCloseTo(0.05, 9);
    expect(chiSquareSurvival(10.827566170662733, 1)).toBeCloseTo(0.001, 9);
    expect(chiSquareSurvival(0, 3)).toBe(1);
  });

  it('withholds the verdict when the arms are out of ratio, however clear the lift', () => {
    // Act
    const analysis = analyseExperiment({
      control: { assignedShare: 0.5, counts: { users: 9_000, conversions: 900 } },
      variants: [{ id: 'a', assignedShare: 0.5, counts: { users: 11_000, conversions: 2_200 } }],
    });
    // Assess
    expect(analysis.sampleRatio?.mismatch).toBe(true);
    expect(analysis.verdict).toEqual({ kind: 'withheld', reason: 'sample-ratio-mismatch' });
    expect(analysis.variants[0]!.against).toBe('better');
  });
});

describe('verdict', () => {
  it('names a winner only when its interval clears control and every other variant', () => {
    // Prepare
    const control = { assignedShare: 1, counts: { users: 5_000, conversions: 500 } };
    const strong = { id: 'strong', assignedShare: 1, counts: { users: 5_000, conversions: 800 } };
    const close = { id: 'close', assignedShare: 1, counts: { users: 5_000, conversions: 780 } };
    const weak = { id: 'weak', assignedShare: 1, counts: { users: 5_000, conversions: 520 } };
    // Act
    const tied = analyseExperiment({ control, variants: [strong, close] });
    const clear = analyseExperiment({ control, variants: [strong, weak], plannedSample: 15_000 });
    // Assess
    expect(tied.verdict).toEqual({ kind: 'no-winner-yet' });
    expect(tied.variants.map((variant) => variant.against)).toEqual(['better', 'better']);
    expect(clear.verdict).toEqual({ kind: 'winner', variantId: 'strong' });
    expect(clear.plannedSampleReached).toBe(true);
    const fixed = clear.variants[0]!.liftFixedHorizon!;
    const sequential = clear.variants[0]!.liftSequential!;
    // The fixed-horizon interval is the narrower one; the sequence pays for being valid at every look.
    expect(fixed.upper - fixed.lower).toBeLessThan(sequential.upper - sequential.lower);
    expect(tied.variants[0]!.liftFixedHorizon).toBeNull();
  });
});
