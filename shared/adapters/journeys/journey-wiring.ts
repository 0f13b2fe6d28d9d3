import { ConflictError, InvalidInputError } from '../../domain/common';
import { z } from 'zod';
import { IllegalJourneyTransition, JourneyDefinitionInvalid, JourneyInputInvalid } from '../../domain/journeys';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../dynamodb/client';
import { DynamoUserStore } from '../dynamodb/user-store';
import {} from '../http/http-api';
import { runtimeClock } from '../runtime-clock';
import { DynamoEnrollmentStore } from './enrollment-store';
import { ENV, type JourneyTablesConfig } from './journey-config';
import { DynamoJourneyStore } from './journey-store';
import { DynamoScoreReader } from './score-reader';

/** The stores every journey handler uses, built once per process from its validated config. */
export function journeyStores(config: z.infer<typeof JourneyTablesConfig>) {
  const client = dynamoDocumentClient();
  const users = new DynamoUserStore(client, config[ENV.usersTable], config[ENV.aggregateRetentionDays]);
  return {
    client,
    clock: runtimeClock,
    journeys: new DynamoJourneyStore(client, config[ENV.operationsTable]),
    enrollments: new DynamoEnrollmentStore(client, { users: config[ENV.usersTable], operations: config[ENV.operationsTable] }),
    scores: new DynamoScoreReader(client, config[ENV.usersTable]),
    profiles: users,
    activitySince: (userId: string, fromDay: string) => users.listForUser(userId, fromDay),
    /**
     * The system kill switch (operations table, pk KILLSWITCH / sk STATE, `state.active`), the item
     * the messaging feature owns; read strongly consistent at every step.
     */
    killSwitchEngaged: async () => {
      const answer = await client.send(new GetCommand({ TableName: config[ENV.operationsTable], Key: { pk: 'KILLSWITCH', sk: 'STATE' }, ConsistentRead: true }));
      const state = (answer.Item?.state ?? {}) as { active?: unknown };
      return state.active === true;
    },
  };
}

/** Parses a request body, or answers 400 naming each bad field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new InvalidInputError(
      'the request was rejected; nothing was written',
      parsed.error.issues.map((issue) => ({ index: null, path: issue.path.join('.'), message: issue.message })),
    );
  }
  return parsed.data;
}

/** Runs a journey use case, turning the domain's typed errors into HTTP errors for the one mapper. */
export async function asHttp<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof JourneyDefinitionInvalid) {
      throw new InvalidInputError(error.message, error.problems.map((problem) => ({ index: null, path: `definition.${problem.path}`, message: problem.message })), { cause: error });
    }
    if (error instanceof IllegalJourneyTransition) throw new ConflictError(error.message, { cause: error });
    if (error instanceof JourneyInputInvalid) throw new InvalidInputError(error.message, [], { cause: error });
    throw error;
  }
}
