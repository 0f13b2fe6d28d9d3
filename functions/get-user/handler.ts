import { InvalidInputError, NotFoundError } from '../../shared/domain/common';
import { runtimeClock } from '../../shared/adapters/runtime-clock';
import { getUser } from '../../shared/domain/profiles/user-use-cases';
import { DynamoUserStore } from '../../shared/adapters/dynamodb/user-store';
import { DynamoScoreStore } from '../../shared/adapters/scoring/dynamo-score-sink';
import { dynamoDocumentClient } from '../../shared/adapters/dynamodb/client';
import { httpHandler, json, pathParameter } from '../../shared/adapters/http/http-api';
import { readConfig } from '../../shared/config/read-config';
import { AggregationConfig, ENV } from '../../shared/config/tables';

const config = readConfig(AggregationConfig);
const store = new DynamoUserStore(dynamoDocumentClient(), config[ENV.usersTable], config[ENV.aggregateRetentionDays]);
const scores = new DynamoScoreStore(dynamoDocumentClient(), config[ENV.usersTable]);

/** GET /v1/users/{userId}: the profile, its activity summary and its latest nightly score. */
export const handler = httpHandler(async (event) => {
  const outcome = await getUser(pathParameter(event, 'userId'), { profiles: store, activity: store, scores, clock: runtimeClock });
  switch (outcome.kind) {
    case 'invalid':
      throw new InvalidInputError('the user id is invalid', outcome.problems);
    case 'not-found':
      throw new NotFoundError('no such user');
    case 'found':
      return json(200, { profile: outcome.profile, activity: outcome.activity, score: outcome.score });
  }
});
