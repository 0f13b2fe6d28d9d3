/**
 * The one composition module of scoring: reads each section's configuration once (a missing value
 * throws naming the variable), builds the adapters and returns the ports. Sections match what each
 * function is given: the workflow's tasks read the users table and the run settings, the API the
 * operations table and the state machine.
 */
import { readConfig } from '../config/read-config';
import { ENV, OperationsTableConfig } from '../config/tables';
import { dynamoDocumentClient } from '../adapters/dynamodb/client';
import { runtimeClock } from '../adapters/runtime-clock';
import { DynamoScoreSink } from '../adapters/scoring/dynamo-score-sink';
import { DynamoScoringStores } from '../adapters/scoring/dynamo-scoring-stores';
import { DynamoUserScanner } from '../adapters/scoring/dynamo-user-scanner';
import { EventBridgeTierPublisher } from '../adapters/scoring/eventbridge-tier-publisher';
import { ScoringApiConfig, SCORING_ENV, ScoringFunctionConfig, scoringSettingsOf } from '../adapters/scoring/scoring-config';
import { StepFunctionsRunLauncher } from '../adapters/scoring/sfn-run-launcher';
import type { Clock } from '../domain/common';
import type {
  ModelParamsStore,
  RunLauncher,
  RunReader,
  RunStore,
  ScoreSink,
  ScoringSettings,
  TierChangePublisher,
  UserSampler,
  UserScanner,
} from '../domain/scoring-run';
import { once } from './once';

/** The ports of the PrepareRun and ScoreSegment tasks. */
export interface ScoringTaskPorts {
  scanner: UserScanner & UserSampler;
  sink: ScoreSink;
  events: TierChangePublisher;
  params: ModelParamsStore;
  runs: RunStore;
  settings: ScoringSettings;
}

const tasks = once((): ScoringTaskPorts => {
  const config = readConfig(ScoringFunctionConfig);
  const client = dynamoDocumentClient();
  const stores = new DynamoScoringStores(client, config[ENV.operationsTable]);
  return {
    scanner: new DynamoUserScanner(client, config[ENV.usersTable]),
    sink: new DynamoScoreSink(client, config[ENV.usersTable]),
    events: new EventBridgeTierPublisher(),
    params: stores,
    runs: stores,
    settings: scoringSettingsOf(config),
  };
});

/** Run bookkeeping alone: the Summarize task and `GET /v1/tiers`. */
const runs = once((): { runs: RunStore & RunReader } => ({
  runs: new DynamoScoringStores(dynamoDocumentClient(), readConfig(OperationsTableConfig)[ENV.operationsTable]),
}));

/** The API's launcher and run reader. */
const api = once((): { launcher: RunLauncher; runs: RunReader } => {
  const config = readConfig(ScoringApiConfig);
  return {
    launcher: new StepFunctionsRunLauncher(config[SCORING_ENV.stateMachineArn]),
    runs: new DynamoScoringStores(dynamoDocumentClient(), config[ENV.operationsTable]),
  };
});

export interface ScoringComposition {
  clock: Clock;
  tasks(): ScoringTaskPorts;
  runs(): { runs: RunStore & RunReader };
  api(): { launcher: RunLauncher; runs: RunReader };
}

/** The scoring composition, built once per process; each section reads its configuration on first use. */
export const composeScoring = once((): ScoringComposition => ({ clock: runtimeClock, tasks, runs, api }));
