import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { TierChange, TierChangePublisher } from '../../domain/scoring-run';
import { UnavailableError } from '../../domain/common';
import { chunk, forEachConcurrently } from '../dynamodb/client';

export const TIER_CHANGED = { source: 'rekindle.scoring', detailType: 'TierChanged' } as const;

/** EventBridge kept refusing some entries; the nightly workflow's Retry matches this name. */
export class TierEventsNotPublishedError extends UnavailableError {
  override readonly name = 'TierEventsNotPublishedError';
}

const MAX_ROUNDS = 5;
/** PutEvents calls in flight per segment (8 segments: 80, far under the account's PutEvents quota). */
const CONCURRENCY = 10;
let eventBridge: EventBridgeClient | undefined;

/** The process's EventBridge client (endpoint from the SDK environment; the local bus locally). */
export function eventBridgeClient(): EventBridgeClient {
  eventBridge ??= new EventBridgeClient({ maxAttempts: 8 });
  return eventBridge;
}

/** TierChanged events on the default bus, in PutEvents batches of 10, failed entries retried. */
export class EventBridgeTierPublisher implements TierChangePublisher {
  constructor(private readonly client: EventBridgeClient = eventBridgeClient()) {}

  async publish(changes: readonly TierChange[]): Promise<void> {
    await forEachConcurrently(chunk(changes, 10), CONCURRENCY, async (group) => {
      let pending: PutEventsRequestEntry[] = group.map((change) => ({
        Source: TIER_CHANGED.source,
        DetailType: TIER_CHANGED.detailType,
        Detail: JSON.stringify({ userId: change.userId, from: change.from, to: change.to, date: change.date }),
      }));
      for (let round = 0; pending.length > 0; round += 1) {
        if (round >= MAX_ROUNDS) throw new TierEventsNotPublishedError(`${pending.length} TierChanged events failed after ${MAX_ROUNDS} attempts`);
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** round));
        const answer = await this.client.send(new PutEventsCommand({ Entries: pending }));
        if (!answer.FailedEntryCount) return;
        pending = pending.filter((_, i) => answer.Entries?.[i]?.ErrorCode);
      }
    });
  }
}
