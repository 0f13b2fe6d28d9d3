import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FirstEventClaims } from '../../domain/journeys';
import { journeyKeys } from './journey-keys';

/** Condition of the claim: nobody claimed the kind yet, or this very event did (a redelivery). */
const claimClauses = { unclaimedOrOurs: 'attribute_not_exists(pk) OR eventId = :eventId' } as const;

/** A user's first event of each kind, one item each under the user (pk USER#id, sk LIFECYCLE#FIRST#<kind>), written once. */
export class DynamoFirstEventClaims implements FirstEventClaims {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly usersTable: string,
  ) {}

  async claim(userId: string, kind: string, eventId: string, at: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.usersTable,
          Item: { pk: journeyKeys.userPk(userId), sk: journeyKeys.firstEventSk(kind), kind, eventId, at },
          ConditionExpression: claimClauses.unclaimedOrOurs,
          ExpressionAttributeValues: { ':eventId': eventId },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
