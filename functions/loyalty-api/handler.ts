import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import {
  checkInNow,
  countNewGrants,
  enrollInCheckin,
  incentiveReport,
  pointsOf,
  programsOf,
  programsReport,
  publishedDraw,
  redeemPoints,
  referralCodeOf,
  runDraw,
  signUpWithCode,
  type AppliedGrant,
} from '../../shared/application/loyalty';
import { composeLoyalty } from '../../shared/composition/loyalty';
import { httpHandler, json, jsonBody, pathParameter, queryParameter } from '../../shared/adapters/http/http-api';
import { logger } from '../../shared/adapters/observability/logger';
import { countMetric, publishCountedMetrics } from '../../shared/adapters/observability/metrics';
import { NotFoundError, UserId, parseInput } from '../../shared/domain/common';
import { TimeZone, utcMonthOf } from '../../shared/domain/loyalty';

export const EnrollmentRequest = z.strictObject({
  userId: UserId,
  /** The program to enrol in; the 21-day check-in when absent. */
  programId: z.string().min(1, 'programId must not be empty').optional(),
  timeZone: TimeZone.optional(),
});
export type EnrollmentRequest = z.infer<typeof EnrollmentRequest>;
export const CheckinRequest = z.strictObject({ programId: z.string().min(1, 'programId must not be empty').optional() });
export type CheckinRequest = z.infer<typeof CheckinRequest>;
export const ReferralSignupRequest = z.strictObject({ refereeId: UserId, code: z.string().min(4, 'code is too short').max(32, 'code is too long') });
export type ReferralSignupRequest = z.infer<typeof ReferralSignupRequest>;
export const DrawRequest = z.strictObject({ winners: z.number().int().positive('winners must be a positive whole number').max(1000).default(1) });
export type DrawRequest = z.infer<typeof DrawRequest>;
export const RedemptionRequest = z.strictObject({
  /** The client's id for this redemption: sending it again never spends twice. */
  redemptionId: z.string().min(1, 'redemptionId must not be empty').max(128, 'redemptionId is too long'),
  amount: z.number().int('amount must be a whole number of points').positive('amount must be positive'),
  /** What the points are spent on (catalogue item, order id). */
  reference: z.string().min(1, 'reference must not be empty').max(256, 'reference is too long'),
});
export type RedemptionRequest = z.infer<typeof RedemptionRequest>;
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM');

/** A body that may be absent (check-in and draw take none by default). */
function optionalBody(event: APIGatewayProxyEventV2): unknown {
  return event.body === undefined || event.body === '' ? {} : jsonBody(event);
}

function userIdOf(event: APIGatewayProxyEventV2): UserId {
  return parseInput(UserId, pathParameter(event, 'userId'), 'userId');
}

/** The business counters of what a request newly granted. */
function countGrants(applied: readonly AppliedGrant[]): void {
  const counts = countNewGrants(applied);
  countMetric('LoyaltyPointsGranted', counts.pointsGranted);
  countMetric('LoyaltyCouponsIssued', counts.couponsIssued);
  countMetric('LoyaltyCouponsQueued', counts.couponsQueued);
  countMetric('LoyaltyDrawEntries', counts.drawEntries);
}

async function enroll(request: EnrollmentRequest): Promise<APIGatewayProxyStructuredResultV2> {
  const outcome = await enrollInCheckin(composeLoyalty(), request);
  if (outcome.kind === 'enrolled') countMetric('LoyaltyCheckinEnrollments');
  return json(outcome.kind === 'enrolled' ? 201 : 200, outcome);
}

type Route = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * One thin adapter per route; each calls one loyalty use case and maps its outcome. Business
 * outcomes that are values (already enrolled, not started, refused…) answer with their own
 * status; errors answer through the one kind-to-status table.
 */
const routes: Record<string, Route> = {
  // The programs and their report (funnel, referrals, budget) in one answer: the API stack is at
  // CloudFormation's 500-resource limit, so the report did not get a route of its own.
  'GET /v1/programs': async (event) => {
    const ports = composeLoyalty();
    const month = parseInput(Month, queryParameter(event, 'month') ?? utcMonthOf(ports.clock.now()), 'month');
    return json(200, { programs: ports.rules.programs, report: await programsReport(ports, { month }) });
  },
  'POST /v1/programs/checkin/enrollments': async (event) => enroll(parseInput(EnrollmentRequest, jsonBody(event), 'the enrollment')),
  'POST /v1/programs/{programId}/enrollments': async (event) => {
    const request = parseInput(EnrollmentRequest.omit({ programId: true }), jsonBody(event), 'the enrollment');
    return enroll({ ...request, programId: pathParameter(event, 'programId') });
  },
  'POST /v1/users/{userId}/checkins': async (event) => {
    const userId = userIdOf(event);
    const request = parseInput(CheckinRequest, optionalBody(event), 'the check-in');
    const { outcome, grantOutcomes } = await checkInNow(composeLoyalty(), { userId, programId: request.programId });
    countGrants(grantOutcomes);
    switch (outcome.kind) {
      case 'not-enrolled':
        throw new NotFoundError(`user ${userId} is not enrolled in ${request.programId ?? 'the check-in program'}`);
      case 'checked-in':
        logger.info('checked in', { dayNumber: outcome.dayNumber, streak: outcome.streak, grants: grantOutcomes.length });
        return json(201, {
          kind: outcome.kind,
          day: outcome.day,
          dayNumber: outcome.dayNumber,
          streak: outcome.streak,
          grants: outcome.grants,
          grantOutcomes,
          status: outcome.state.status,
        });
      case 'already-checked-in-today':
        return json(200, outcome);
      case 'not-started':
        return json(409, outcome);
      case 'program-ended':
        return json(409, { kind: outcome.kind, status: outcome.state.status, summary: outcome.summary });
    }
  },
  'POST /v1/users/{userId}/redemptions': async (event) => {
    const userId = userIdOf(event);
    const request = parseInput(RedemptionRequest, jsonBody(event), 'the redemption');
    const outcome = await redeemPoints(composeLoyalty(), { userId, ...request });
    switch (outcome.kind) {
      case 'redeemed':
        countMetric('LoyaltyPointsRedeemed', outcome.amount);
        return json(201, outcome);
      case 'already-redeemed':
        return json(200, outcome);
      case 'insufficient-balance':
        return json(409, outcome);
    }
  },
  'GET /v1/users/{userId}/points': async (event) => json(200, await pointsOf(composeLoyalty(), userIdOf(event))),
  'GET /v1/users/{userId}/programs': async (event) => json(200, await programsOf(composeLoyalty(), userIdOf(event))),
  'POST /v1/users/{userId}/referral-code': async (event) => {
    const answer = await referralCodeOf(composeLoyalty(), userIdOf(event));
    return json(answer.created ? 201 : 200, answer);
  },
  'POST /v1/referrals/signup': async (event) => {
    const request = parseInput(ReferralSignupRequest, jsonBody(event), 'the referral sign-up');
    const answer = await signUpWithCode(composeLoyalty(), request);
    if (answer.outcome.kind === 'refused') return json(409, { kind: 'refused', reason: answer.outcome.reason });
    countGrants(answer.applied);
    return json(201, { kind: 'accepted', referral: answer.outcome.referral, applied: answer.applied });
  },
  'POST /v1/draws/{month}': async (event) => {
    const month = parseInput(Month, pathParameter(event, 'month'), 'month');
    const request = parseInput(DrawRequest, optionalBody(event), 'the draw');
    const outcome = await runDraw(composeLoyalty(), { month, winners: request.winners });
    return json(outcome.kind === 'drawn' ? 201 : 200, outcome);
  },
  'GET /v1/draws/{month}': async (event) => {
    const month = parseInput(Month, pathParameter(event, 'month'), 'month');
    return json(200, { kind: 'drawn', result: await publishedDraw(composeLoyalty(), month) });
  },
  'GET /v1/incentives/report': async () => json(200, await incentiveReport(composeLoyalty())),
};

/** The loyalty HTTP API: one function, one thin adapter per route (fewer cold starts than eight functions). */
export const handler = httpHandler(async (event) => {
  const route = routes[event.routeKey];
  if (!route) throw new NotFoundError(`no loyalty route ${event.routeKey}`);
  return route(event);
}).use(publishCountedMetrics());
