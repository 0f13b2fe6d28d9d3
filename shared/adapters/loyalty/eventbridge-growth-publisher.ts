import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { GrowthLevelChanged, GrowthLevelChangePublisher } from '../../domain/loyalty';
import { eventBridgeClient } from '../scoring/eventbridge-tier-publisher';

export const GROWTH_LEVEL_CHANGED = { source: 'rekindle.loyalty', detailType: 'GrowthLevelChanged' } as const;

export class GrowthLevelChangeNotPublishedError extends Error {
  override readonly name = 'GrowthLevelChangeNotPublishedError';
}

/**
 * GrowthLevelChanged on the default bus: detail `{ userId, from, to, at, eventId }`. Delivery is
 * at least once (see `countGrowthAndPublish`); `eventId` is stable, so consumers can drop repeats.
 * A failed entry throws, so the stream record is retried and the change published then.
 */
export class EventBridgeGrowthPublisher implements GrowthLevelChangePublisher {
  constructor(private readonly client: EventBridgeClient = eventBridgeClient()) {}

  async publish(change: GrowthLevelChanged): Promise<void> {
    const answer = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: GROWTH_LEVEL_CHANGED.source,
            DetailType: GROWTH_LEVEL_CHANGED.detailType,
            Detail: JSON.stringify({ userId: change.userId, from: change.from, to: change.to, at: change.occurredAt, eventId: change.eventId }),
          },
        ],
      }),
    );
    if (answer.FailedEntryCount) {
      const entry = answer.Entries?.[0];
      throw new GrowthLevelChangeNotPublishedError(
        `GrowthLevelChanged ${change.eventId} was refused: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim(),
      );
    }
  }
}
