import { reportExperiment } from '../../shared/application/experiments/report-experiment';
import { httpHandler, json, pathParameter } from '../../shared/adapters/http/http-api';
import { composeExperimentReport } from '../../shared/composition/experiments';

const experiments = composeExperimentReport();

/**
 * GET /v1/journeys/{journeyId}/report/variants: the journey's experiments per variant and rollout
 * stage, lift with always-valid intervals, the SRM check and verdict, the global control group apart.
 * Kept beside the journey report (functions/journey-report) so either can fold into the other.
 */
export const handler = httpHandler(async (event) => json(200, { ...(await reportExperiment(pathParameter(event, 'journeyId'), experiments)) }));
