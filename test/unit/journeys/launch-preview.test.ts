import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJourneyDefinition, type JourneyDefinition } from '../../../shared/domain/journeys/journey-definition';
import { previewJourneyLaunch } from '../../../shared/domain/journeys/launch-preview';
import { scoredUser } from './fixtures';

function twoSendJourney(holdoutShare: number): JourneyDefinition {
  return parseJourneyDefinition({
    id: 'preview-test',
    name: 'Preview test',
    tier: 'R3',
    steps: [
      { kind: 'send', channels: ['email', 'sms'], templateId: 'first' },
      { kind: 'wait', days: 2 },
      { kind: 'send', channels: ['push'], templateId: 'second' },
    ],
    maxDurationDays: 10,
    holdoutShare,
  });
}

const noConsent = { email: false, sms: false, push: false };
const users = [
  scoredUser({ userId: 'u1' }),
  scoredUser({ userId: 'u2', consents: { email: true, sms: false, push: false } }),
  scoredUser({ userId: 'u3', tier: 'R4', consents: { email: false, sms: true, push: true }, suppressed: { email: false, sms: true, push: false } }),
  scoredUser({ userId: 'u4', tier: 'R4', unsubscribed: true }),
  scoredUser({ userId: 'u5', tier: null, sunset: true }),
  scoredUser({ userId: 'u6', tier: 'R2', consents: noConsent }),
];

describe('previewJourneyLaunch', () => {
  it('counts reach per tier and messages per reachable channel', () => {
    // Prepare: u1 gets email, sms, push; u2 email; u3 push (sms suppressed); u4–u6 unreachable.

    // Act
    const preview = previewJourneyLaunch(twoSendJourney(0), users);

    // Assess
    expect(preview.matched).toBe(6);
    expect(preview.unreachable).toEqual({ unsubscribed: 1, sunset: 1, 'no-reachable-channel': 1 });
    expect([preview.reachable, preview.holdout, preview.treatment]).toEqual([3, 0, 3]);
    expect(preview.perTier.R3).toEqual({ matched: 2, reachable: 2, alreadyEnrolled: 0, holdout: 0, treatment: 2 });
    expect(preview.perTier.R4).toEqual({ matched: 2, reachable: 1, alreadyEnrolled: 0, holdout: 0, treatment: 1 });
    expect(preview.perTier.R2).toEqual({ matched: 1, reachable: 0, alreadyEnrolled: 0, holdout: 0, treatment: 0 });
    expect(preview.perTier.untiered).toEqual({ matched: 1, reachable: 0, alreadyEnrolled: 0, holdout: 0, treatment: 0 });
    expect(preview.expectedMessages).toEqual({ email: 2, sms: 1, push: 2, total: 5 });
  });

  it('estimates cost from the documented prices', () => {
    // Prepare: 3 treated users × 2 steps = 6 task runs; 3 × (3·2 + 1) = 21 transitions; each
    // enrollment writes two items in one transaction (4 WRU).
    const expectedStepFunctions = (21 / 1000) * 0.025;
    const expectedLambda = (6.3 / 1e6) * 0.2 + 6 * 0.3 * 0.25 * 0.0000166667;
    const expectedDynamoDb = ((3 * 4 + 12) / 1e6) * 0.625 + (12 / 1e6) * 0.125;
    const expectedSqs = (0.9 / 1e6) * 0.4;
    const expectedMessaging = 2 * 0.0001 + 1 * 0.00645 + 2 * 0.0000005;

    // Act
    const preview = previewJourneyLaunch(twoSendJourney(0), users);

    // Assess
    expect(preview.transitionsPerTreatedUser).toBe(7);
    expect(preview.usage.stateTransitions).toBe(21);
    expect(preview.costUsd.stepFunctions).toBeCloseTo(expectedStepFunctions, 12);
    expect(preview.costUsd.lambda).toBeCloseTo(expectedLambda, 12);
    expect(preview.costUsd.dynamoDb).toBeCloseTo(expectedDynamoDb, 12);
    expect(preview.costUsd.sqs).toBeCloseTo(expectedSqs, 12);
    expect(preview.costUsd.messagingTotal).toBeCloseTo(expectedMessaging, 12);
    expect(preview.costUsd.total).toBeCloseTo(expectedStepFunctions + expectedLambda + expectedDynamoDb + expectedSqs + expectedMessaging, 12);
  });

  it('counts users already enrolled in the journey apart: not enrolled again, no messages, no cost', () => {
    // Prepare: u1 (R3, every channel) and u3 (R4, push) are members already; u4 is, but unreachable.
    const members = new Set(['u1', 'u3', 'u4']);

    // Act
    const preview = previewJourneyLaunch(twoSendJourney(0), users, members);
    const nobodyEnrolled = previewJourneyLaunch(twoSendJourney(0), users);

    // Assess
    expect([preview.reachable, preview.alreadyEnrolled, preview.holdout, preview.treatment]).toEqual([3, 2, 0, 1]);
    expect(preview.unreachable).toEqual(nobodyEnrolled.unreachable);
    expect(preview.perTier.R3).toEqual({ matched: 2, reachable: 2, alreadyEnrolled: 1, holdout: 0, treatment: 1 });
    expect(preview.perTier.R4).toEqual({ matched: 2, reachable: 1, alreadyEnrolled: 1, holdout: 0, treatment: 0 });
    expect(preview.expectedMessages).toEqual({ email: 1, sms: 0, push: 0, total: 1 });
    expect(preview.usage.stateTransitions).toBe(nobodyEnrolled.usage.stateTransitions / 3);
    expect(preview.usage.dynamoDbWriteUnits).toBe(nobodyEnrolled.usage.dynamoDbWriteUnits / 3);
  });

  it('sends nothing and runs no execution for a holdout of everyone', () => {
    // Prepare / Act
    const preview = previewJourneyLaunch(twoSendJourney(0.5), users);
    const allHeldOut = previewJourneyLaunch({ ...twoSendJourney(0), holdoutShare: 1 }, users);

    // Assess
    expect(preview.holdout + preview.treatment).toBe(3);
    expect(allHeldOut.holdout).toBe(3);
    expect(allHeldOut.expectedMessages.total).toBe(0);
    expect(allHeldOut.usage.stateTransitions).toBe(0);
  });

  it('splits reachable users into holdout and treatment near the configured share', () => {
    fc.assert(
      fc.property(fc.constantFrom(0.05, 0.1, 0.2), (share) => {
        // Prepare: 5,000 reachable users; 5 standard errors of tolerance.
        const population = Array.from({ length: 5_000 }, (_, index) => scoredUser({ userId: `member-${index}` }));

        // Act
        const preview = previewJourneyLaunch(twoSendJourney(share), population);

        // Assess
        expect(preview.holdout + preview.treatment).toBe(5_000);
        expect(Math.abs(preview.holdout / 5_000 - share)).toBeLessThan(5 * Math.sqrt((share * (1 - share)) / 5_000));
      }),
      { numRuns: 3 },
    );
  });
});
