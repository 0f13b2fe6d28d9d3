import { InvalidInputError } from '../../shared/domain/common';
import { runtimeClock } from '../../shared/adapters/runtime-clock';
import { upsertProfile } from '../../shared/domain/profiles/user-use-cases';
import { DynamoUserStore } from '../../shared/adapters/dynamodb/user-store';
import { dynamoDocumentClient } from '../../shared/adapters/dynamodb/client';
import { httpHandler, json, jsonBody, pathParameter } from '../../shared/adapters/http/http-api';
import { readConfig } from '../../shared/config/read-config';
import { AggregationConfig, ENV } from '../../shared/config/tables';

const config = readConfig(AggregationConfig);
const profiles = new DynamoUserStore(dynamoDocumentClient(), config[ENV.usersTable], config[ENV.aggregateRetentionDays]);

/** PUT /v1/users/{userId}: creates or updates a profile. */
export const handler = httpHandler(async (event) => {
  const outcome = await upsertProfile(pathParameter(event, 'userId'), jsonBody(event), { profiles, clock: runtimeClock });
  if (outcome.kind === 'invalid') throw new InvalidInputError(`the profile was rejected: ${outcome.problems.length} problem(s); nothing was written`, outcome.problems);
  return json(outcome.created ? 201 : 200, { profile: outcome.profile });
});
