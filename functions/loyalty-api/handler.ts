import { ConflictError, InvalidInputError, NotFoundError } from '../../shared/domain/common';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { runtimeClock } from '../../shared/adapters/runtime-clock';
import { httpHandler, json, jsonBody, pathParameter } from '../../shared/adapters/http/http-api';
import { logger } from '../../shared/adapters/observability/logger';
import { loyaltyServicesFromEnv } from '../../shared/adapters/loyalty/loyalty-config';
import { checkInNow, enrollInCheckin, incentiveReport, pointsOf, programsOf, referralCodeOf, runDraw, signUpWithCode } from '../../shared/adapters/loyalty/loyalty-use-cases';
import { TimeZone } from '../../shared/domain/loyalty';

const services = loyaltyServicesFromEnv(runtimeClock);

const userIdSchema = z.string().min(1, 'userId must not be empty').max(128, 'userId must be at most 128 characters').regex(/^[A-Za-z0-9._:@-]+$/, 'userId may contain only letters, digits and . _ : @ -');
export const EnrollmentRequest = z.strictObject({ userId: userIdSchema, timeZone: TimeZone.optional() });
export type EnrollmentRequest = z.infer<typeof EnrollmentRequest>;
export const CheckinRequest = z.strictObject({ programId: z.string().min(1, 'programId must not be empty').optional() });
export type CheckinRequest = z.infer<typeof CheckinRequest>;
export const ReferralSignupRequest = z.strictObject({ refereeId: userIdSchema, code: z.string().min(4, 'code is too short').max(32, 'code is too long') });
export type ReferralSignupRequest = z.infer<typeof ReferralSignupRequest>;
export const DrawRequest = z.strictObject({ winners: z.number().int().positive('winners must be a positive whole number').max(1000).default(1) });
export type DrawRequest = z.infer<typeof DrawRequest>;
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM');

/** Parses with a schema; a failure is a 400 naming each field, and nothing is written. */
function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidInputError(
    `${what} was rejected; nothing was written`,
    result.error.issues.map((issue) => ({ index: null, path: issue.path.join('.') || what, message: issue.message })),
  );
}

/** A body that may be absent (check-in and draw take none by default). */
function optionalBody(event: APIGatewayProxyEventV2): unknown {
  return event.body === undefined || event.body === '' ? {} : jsonBody(event);
}

function userIdOf(event: APIGatewayProxyEventV2): string {
  return parse(userIdSchema, pathParameter(event, 'userId'), 'userId');
}

type Route = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** One thin adapter per route; each calls one loyalty use case and maps its outcome. */
const routes: Record<string, Route> = {
  'POST /v1/programs/checkin/enrollments': async (event) => {
    const request = parse(EnrollmentRequest, jsonBody(event), 'the enrollment');
    const outcome = await enrollInCheckin(services, request);
    return json(outcome.kind === 'enrolled' ? 201 : 200, outcome);
  },
  'POST /v1/users/{userId}/checkins': async (event) => {
    const userId = userIdOf(event);
    const request = parse(CheckinRequest, optionalBody(event), 'the check-in');
    const answer = await checkInNow(services, { userId, programId: request.programId });
    if (answer.kind === 'unknown-program') throw new NotFoundError(`no check-in program ${answer.programId}`);
    const { outcome, grantOutcomes } = answer.result;
    switch (outcome.kind) {
      case 'not-enrolled':
        throw new NotFoundError(`user ${userId} is not enrolled in the check-in program`);
      case 'checked-in':
        logger.info('checked in', { dayNumber: outcome.dayNumber, streak: outcome.streak, grants: grantOutcomes.length });
        return json(201, { kind: outcome.kind, day: outcome.day, dayNumber: outcome.dayNumber, streak: outcome.streak, grants: outcome.grants, grantOutcomes, status: outcome.state.status });
      case 'already-checked-in-today':
        return json(200, outcome);
      case 'not-started':
        return json(409, outcome);
      case 'program-ended':
        return json(409, { kind: outcome.kind, status: outcome.state.status, summary: outcome.summary });
    }
  },
  'GET /v1/users/{userId}/points': async (event) => json(200, await pointsOf(services, userIdOf(event))),
  'GET /v1/users/{userId}/programs': async (event) => json(200, await programsOf(services, userIdOf(event))),
  'POST /v1/users/{userId}/referral-code': async (event) => {
    const answer = await referralCodeOf(services, userIdOf(event));
    return json(answer.created ? 201 : 200, answer);
  },
  'POST /v1/referrals/signup': async (event) => {
    const request = parse(ReferralSignupRequest, jsonBody(event), 'the referral sign-up');
    const answer = await signUpWithCode(services, request);
    if (answer.outcome.kind === 'refused') return json(409, { kind: 'refused', reason: answer.outcome.reason });
    return json(201, { kind: 'accepted', referral: answer.outcome.referral, applied: answer.applied });
  },
  'POST /v1/draws/{month}': async (event) => {
    const month = parse(Month, pathParameter(event, 'month'), 'month');
    const request = parse(DrawRequest, optionalBody(event), 'the draw');
    const outcome = await runDraw(services, { month, winners: request.winners });
    if (outcome.kind === 'no-entries') throw new ConflictError(`the draw of ${month} has no entries`);
    return json(outcome.kind === 'drawn' ? 201 : 200, outcome);
  },
  'GET /v1/draws/{month}': async (event) => {
    const month = parse(Month, pathParameter(event, 'month'), 'month');
    const result = await services.drawEntries.resultOf(month);
    if (!result) throw new NotFoundError(`the draw of ${month} has not run`);
    return json(200, { kind: 'drawn', result });
  },
  'GET /v1/incentives/report': async () => json(200, await incentiveReport(services)),
};

/** The loyalty HTTP API: one function, one thin adapter per route (fewer cold starts than eight functions). */
export const handler = httpHandler(async (event) => {
  const route = routes[event.routeKey];
  if (!route) throw new NotFoundError(`no loyalty route ${event.routeKey}`);
  return route(event);
});
