import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import type { Clock } from '../../domain/clock';
import type { SendOutcome, SendRequest } from '../../domain/messaging';
import { journeyKeys } from './journey-keys';

/**
 * The port a journey step sends through: the shape of the messaging feature's `Messenger`
 * (shared/adapters/messaging), so the one send path plugs in without touching the use case.
 */
export interface JourneySender {
  send(request: SendRequest): Promise<SendOutcome>;
}

/**
 * Interim sender until the one send path is wired in: checks the profile's consent for the channel
 * and records the message once per idempotency key (a conditional put), so retries and relaunches
 * are observable and never count twice. It sends nothing to a provider.
 */
export class RecordingJourneySender implements JourneySender {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly usersTable: string,
    private readonly clock: Clock,
  ) {}

  async send(request: SendRequest): Promise<SendOutcome> {
    const messageId = createHash('sha256').update(request.idempotencyKey).digest('base64url').slice(0, 22);
    const profile = await this.client.send(new GetCommand({ TableName: this.usersTable, Key: { pk: journeyKeys.userPk(request.userId), sk: journeyKeys.profileSk }, ConsistentRead: true }));
    if (!profile.Item) return { kind: 'failed-permanent', messageId, code: 'unknown-user', detail: `no profile for user ${request.userId}` };
    const consents = (profile.Item.consents ?? {}) as Record<string, unknown>;
    if (consents[request.channel] !== true) return { kind: 'skipped', messageId, reason: 'no-consent', detail: `no ${request.channel} consent` };
    const journeyId = request.source.kind === 'journey' ? request.source.journeyId : 'other';
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.usersTable,
          Item: {
            pk: journeyKeys.userPk(request.userId),
            sk: journeyKeys.sendSk(journeyId, request.idempotencyKey),
            messageId,
            idempotencyKey: request.idempotencyKey,
            channel: request.channel,
            templateId: request.templateId,
            sentAt: this.clock.now().toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { kind: 'skipped', messageId, reason: 'duplicate', detail: 'already sent under this idempotency key' };
      throw error;
    }
    return { kind: 'sent', messageId, providerMessageId: `recorded-${messageId}` };
  }
}
