import { DynamoUserStore } from '../adapters/dynamodb/user-store';
import { dynamoDocumentClient } from '../adapters/dynamodb/client';
import { DynamoScoreStore } from '../adapters/scoring/dynamo-score-sink';
import { runtimeClock } from '../adapters/runtime-clock';
import { readConfig } from '../config/read-config';
import { ENV, UsersTableConfig } from '../config/tables';
import { positiveIntFromEnv } from '../config/read-config';
import type { Clock } from '../domain/common';
import type { DailyActivityStore } from '../domain/events/ports';
import type { ProfileStore, ScoreReader } from '../domain/profiles/ports';

export interface ProfilesComposition {
  profiles: ProfileStore;
  activity: DailyActivityStore;
  scores: ScoreReader;
  clock: Clock;
}

const ProfilesConfig = UsersTableConfig.extend({ [ENV.aggregateRetentionDays]: positiveIntFromEnv });

let composed: ProfilesComposition | undefined;

/** The profiles feature's wiring (PUT and GET /v1/users/{userId}), built once per process. */
export function composeProfiles(): ProfilesComposition {
  if (!composed) {
    const config = readConfig(ProfilesConfig);
    const client = dynamoDocumentClient();
    const users = new DynamoUserStore(client, config[ENV.usersTable], config[ENV.aggregateRetentionDays]);
    composed = { profiles: users, activity: users, scores: new DynamoScoreStore(client, config[ENV.usersTable]), clock: runtimeClock };
  }
  return composed;
}
