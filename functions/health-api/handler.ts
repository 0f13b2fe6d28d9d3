import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { httpHandler, json, jsonBody, pathParameter, queryParameter } from '../../shared/adapters/http/http-api';
import { operatorOf } from '../../shared/adapters/messaging/operator';
import { logger } from '../../shared/adapters/observability/logger';
import { latestCohorts, latestFeatures, listAlerts, listHealthDays, listIncidents, weeklyTopComplaints } from '../../shared/application/health/health-queries';
import { resumeIncident } from '../../shared/application/health/resume-incident';
import { composeHealth } from '../../shared/composition/health';
import { addDays, NotFoundError, parseInput } from '../../shared/domain/common';
import { reportingDayBefore } from '../../shared/domain/health';

/** The body of `POST /v1/incidents/{id}/resume`: a person says why sends may start again. */
export const ResumeRequest = z.strictObject({
  reason: z.string({ message: 'reason is required' }).trim().min(3, 'reason must say why (at least 3 characters)').max(500),
});
export type ResumeRequest = z.infer<typeof ResumeRequest>;
const Weeks = z.coerce.number().int('weeks must be a whole number').min(1, 'weeks must be from 1 to 26').max(26, 'weeks must be from 1 to 26');
const Days = z.coerce.number().int('days must be a whole number').min(1, 'days must be from 1 to 400').max(400, 'days must be from 1 to 400');
const IncidentId = z.string().regex(/^stop-\d{4}-\d{2}-\d{2}$/, 'id must be an incident id such as stop-2026-11-07');

type Route = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

const api = () => composeHealth().api();
/**
 * Today in the reporting zone: the newest day that may hold a point (a day is computed after it
 * ends, or during it on a recompute or a simulation), so listings end there.
 */
const latestReportingDay = () => addDays(reportingDayBefore(api().clock.now(), api().settings.timeZone), 1);

/** One thin adapter per route; each calls one health use case. */
const routes: Record<string, Route> = {
  'GET /v1/health/daily': async (event) => {
    const to = queryParameter(event, 'to') ?? latestReportingDay();
    const from = queryParameter(event, 'from') ?? addDays(to, -29);
    return json(200, { timeZone: api().settings.timeZone, days: await listHealthDays({ from, to }, api()) });
  },
  'GET /v1/health/cohorts': async (event) => {
    const weeks = parseInput(Weeks, queryParameter(event, 'weeks') ?? '8', 'weeks');
    return json(200, await latestCohorts({ today: latestReportingDay(), weeks }, api()));
  },
  'GET /v1/health/features': async () => json(200, await latestFeatures({ today: latestReportingDay() }, api())),
  'GET /v1/alerts': async (event) => {
    const days = parseInput(Days, queryParameter(event, 'days') ?? '30', 'days');
    return json(200, { alerts: await listAlerts({ today: latestReportingDay(), days }, api()) });
  },
  'GET /v1/feedback/top': async (event) => {
    const week = queryParameter(event, 'week');
    return json(200, await weeklyTopComplaints({ ...(week === undefined ? {} : { week }), today: latestReportingDay() }, api()));
  },
  'GET /v1/incidents': async () => json(200, { incidents: await listIncidents(api()) }),
  'POST /v1/incidents/{id}/resume': async (event) => {
    const incidentId = parseInput(IncidentId, pathParameter(event, 'id'), 'id');
    const { reason } = parseInput(ResumeRequest, jsonBody(event), 'the resume');
    const by = operatorOf(event);
    const incident = await resumeIncident({ incidentId, by, reason }, api());
    logger.warn('incident resumed', { incidentId, by, reason });
    return json(200, { incident });
  },
};

/** The health API: series, cohorts, features, alerts, incidents and their resume, the weekly feedback top-3. */
export const handler = httpHandler(async (event) => {
  const route = routes[event.routeKey];
  if (!route) throw new NotFoundError(`no health route ${event.routeKey}`);
  return route(event);
});
