import type { ExactUser } from '../../support/fakes/score-reader';
import type { UserJourneyOutcome } from '../../../shared/domain/journeys/journey-report';

/** A reachable R3 user with every consent; override what the test is about. */
export function scoredUser(overrides: Partial<ExactUser> & { userId: string }): ExactUser {
  return {
    tier: 'R3',
    segment: 'at-risk',
    quadrant: 'cash-cow',
    churnRisk: 0.6,
    daysSilent: 20,
    clv: 120,
    locale: 'en',
    consents: { email: true, sms: true, push: true },
    suppressed: { email: false, sms: false, push: false },
    unsubscribed: false,
    sunset: false,
    ...overrides,
  };
}

/** A treated R3 user who was contacted and did nothing; override what the test is about. */
export function outcome(overrides: Partial<UserJourneyOutcome> & { userId: string }): UserJourneyOutcome {
  return {
    tier: 'R3',
    holdout: false,
    contacted: true,
    skippedReasons: [],
    notSentReasons: [],
    delivered: true,
    opened: false,
    clicked: false,
    reactivatedWithin7d: false,
    reactivatedWithin30d: false,
    revenueAfterEnrollment: 0,
    featuresUsedBefore: ['search'],
    featuresUsedAfterReactivation: [],
    ...overrides,
  };
}
