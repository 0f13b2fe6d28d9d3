import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BehaviourEvent } from '../../domain/events/behaviour-event';
import type { RawEventStore } from '../../domain/events/ports';
import { batchGet, batchPut } from './batch';
import { expiresAfterDays, keys } from './keys';

function keyOf(event: BehaviourEvent) {
  return { pk: keys.userPk(event.userId), sk: keys.eventSk(new Date(event.timestamp).toISOString(), event.eventId) };
}

/** Raw events in DynamoDB, one item per event, expiring after the retention period. */
export class DynamoRawEventStore implements RawEventStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  async findStored(events: readonly BehaviourEvent[]): Promise<Set<string>> {
    const found = await batchGet(this.client, this.tableName, events.map(keyOf), { projection: ['eventId'] });
    return new Set(found.map((item) => String(item.eventId)));
  }

  async putAll(events: readonly BehaviourEvent[]): Promise<void> {
    await batchPut(
      this.client,
      this.tableName,
      events.map((event) => ({
        ...keyOf(event),
        eventId: event.eventId,
        userId: event.userId,
        type: event.type,
        occurredAt: new Date(event.timestamp).toISOString(),
        event,
        expiresAt: expiresAfterDays(event.timestamp, this.retentionDays),
      })),
    );
  }

  async eventsOfUserDay(userId: string, day: string): Promise<BehaviourEvent[]> {
    const [from, to] = keys.eventDayRange(day);
    const events: BehaviourEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': keys.userPk(userId), ':from': from, ':to': to },
          ProjectionExpression: 'event',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) events.push(BehaviourEvent.parse(item.event));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return events;
  }
}
