/**
 * The one composition module of the journeys feature: reads its configuration once, builds the
 * adapters and hands the handlers the ports of shared/domain/journeys/ports.ts.
 *
 * Every journey handler gets the two tables; only some get the launch queue (the launch segment
 * task, automatic recall, the step task), the state machine (control, the starter) or the launch
 * workflow (the launch API) or the count workflow (the preview API). Those adapters are built on
 * first use, and reading their configuration then throws naming the missing variable, so a handler
 * fails at cold start for what it uses and never for what it does not.
 */
import type { JourneyPorts } from '../domain/journeys';
import { dynamoDocumentClient } from '../adapters/dynamodb/client';
import { DynamoUserStore } from '../adapters/dynamodb/user-store';
import { DynamoAudienceSummaryStore } from '../adapters/journeys/audience-summary-store';
import { DynamoEnrollmentStore } from '../adapters/journeys/enrollment-store';
import { DynamoFirstEventClaims } from '../adapters/journeys/first-event-claims';
import { StepFunctionsExecutionStarter, stepFunctionsClient } from '../adapters/journeys/execution-starter';
import {
  ENV,
  JOURNEY_ENV,
  JourneyLaunchConfig,
  JourneyLaunchWorkflowConfig,
  JourneyStarterConfig,
  JourneyTablesConfig,
  JourneyControlConfig,
  JourneyCountWorkflowConfig,
} from '../adapters/journeys/journey-config';
import { MessengerJourneySender } from '../adapters/journeys/journey-sender';
import { DynamoJourneyStore } from '../adapters/journeys/journey-store';
import { DynamoLaunchProgressStore } from '../adapters/journeys/launch-progress-store';
import { SqsLaunchQueue } from '../adapters/journeys/launch-queue';
import { StepFunctionsCountWorkflow, StepFunctionsLaunchWorkflow } from '../adapters/journeys/launch-workflow';
import { DynamoAudienceCountStore } from '../adapters/journeys/audience-count-store';
import { DynamoScoreReader } from '../adapters/journeys/score-reader';
import { DynamoSuppressionList, MESSAGING_DEFAULTS } from '../adapters/messaging';
import { composeMessaging } from './messaging';
import { DynamoKillSwitch } from '../adapters/messaging/kill-switch';
import { runtimeClock } from '../adapters/runtime-clock';
// Read only: the audience summary follows the scoring feature's latest finished run.
import { DynamoScoringStores } from '../adapters/scoring/dynamo-scoring-stores';
import { readConfig } from '../config/read-config';

/** What the journey handlers are given: the ports, and the start rate the starter paces to. */
export interface ComposedJourneys extends JourneyPorts {
  /** StartExecution calls per second one starter invocation may make (JOURNEY_START_RATE_PER_SECOND). */
  readonly startsPerSecond: number;
}

/** Builds on first call, then answers the same value. */
function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}

function compose(env: NodeJS.ProcessEnv): ComposedJourneys {
  const config = readConfig(JourneyTablesConfig, env);
  const client = dynamoDocumentClient();
  const tables = { users: config[ENV.usersTable], operations: config[ENV.operationsTable] };
  const users = new DynamoUserStore(client, tables.users, config[ENV.aggregateRetentionDays]);
  const activity = { activitySince: (userId: string, fromDay: string) => users.listForUser(userId, fromDay) };
  const suppressions = new DynamoSuppressionList(client, tables);
  const scoringRuns = new DynamoScoringStores(client, tables.operations);
  const queue = once(() => new SqsLaunchQueue(readConfig(JourneyLaunchConfig, env)[JOURNEY_ENV.launchQueueUrl]));
  const starter = once(() => new StepFunctionsExecutionStarter(stepFunctionsClient(), readConfig(JourneyControlConfig, env)[JOURNEY_ENV.stateMachineArn]));
  const launchWorkflow = once(
    () => new StepFunctionsLaunchWorkflow(stepFunctionsClient(), readConfig(JourneyLaunchWorkflowConfig, env)[JOURNEY_ENV.launchStateMachineArn]),
  );
  const countWorkflow = once(
    () => new StepFunctionsCountWorkflow(stepFunctionsClient(), readConfig(JourneyCountWorkflowConfig, env)[JOURNEY_ENV.countStateMachineArn]),
  );
  const startsPerSecond = once(() => readConfig(JourneyStarterConfig, env)[JOURNEY_ENV.startRatePerSecond]);
  const sender = once(
    () => new MessengerJourneySender(composeMessaging().messenger, { clock: runtimeClock, profiles: users, activity }, MESSAGING_DEFAULTS.appUrl),
  );
  return {
    clock: runtimeClock,
    journeys: new DynamoJourneyStore(client, tables.operations),
    enrollments: new DynamoEnrollmentStore(client, tables),
    scores: new DynamoScoreReader(client, tables.users),
    launches: new DynamoLaunchProgressStore(client, tables.operations),
    counts: new DynamoAudienceCountStore(client, tables.operations),
    summaries: new DynamoAudienceSummaryStore(client, tables.operations),
    scoringRuns: { latestFinished: async () => (await scoringRuns.latestSummary()) ?? undefined },
    activity,
    firstEvents: new DynamoFirstEventClaims(client, tables.users),
    // The item the messaging feature owns, read strongly consistent at every step.
    killSwitch: new DynamoKillSwitch(client, tables.operations),
    sunsets: { sunset: async (userId, at) => ((await suppressions.add({ kind: 'sunset', userId, at: at.toISOString() })) ? 'added' : 'already-there') },
    get queue() {
      return queue();
    },
    get starter() {
      return starter();
    },
    get launchWorkflow() {
      return launchWorkflow();
    },
    get countWorkflow() {
      return countWorkflow();
    },
    get sender() {
      return sender();
    },
    get startsPerSecond() {
      return startsPerSecond();
    },
  };
}

let composed: ComposedJourneys | undefined;

/**
 * The journey ports of this process, built once from the environment. Adapters a handler does not
 * use are built (and their configuration read) on first use; don't spread the answer, which
 * would build them all.
 */
export function composeJourneys(): ComposedJourneys {
  composed ??= compose(process.env);
  return composed;
}
