import { describe, expect, it } from 'vitest';
import { GrowthConfig, countGrowthAndPublish, type GrowthEvent, type GrowthLevelChanged } from '../../../shared/domain/loyalty/growth';
import type { GrowthLevelChangePublisher, LevelChangeLog } from '../../../shared/domain/loyalty/ports';
import { InMemoryLedgerStore } from '../../support/fakes/ledger-store';

const config = GrowthConfig.parse({});

class InMemoryPublisher implements GrowthLevelChangePublisher {
  readonly published: GrowthLevelChanged[] = [];
  failNext = false;
  async publish(change: GrowthLevelChanged): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('bus unavailable');
    }
    this.published.push(change);
  }
}

class InMemoryLevelChangeLog implements LevelChangeLog {
  readonly changes = new Map<string, { change: GrowthLevelChanged; published: boolean }>();
  async record(change: GrowthLevelChanged) {
    if (this.changes.has(change.eventId)) return 'already-recorded' as const;
    this.changes.set(change.eventId, { change, published: false });
    return 'recorded' as const;
  }
  async unpublished(_userId: string, changeId: string) {
    const found = this.changes.get(changeId);
    return found && !found.published ? found.change : undefined;
  }
  async markPublished(change: GrowthLevelChanged) {
    const found = this.changes.get(change.eventId);
    if (found) found.published = true;
  }
}

function purchase(eventId: string, amount: number): GrowthEvent {
  return { kind: 'purchase', eventId, userId: 'u1', amount, currency: 'CNY', occurredAt: '2026-03-01T10:00:00.000Z' };
}

function portsOf() {
  return { ledger: new InMemoryLedgerStore(), levelChanges: new InMemoryLevelChangeLog(), publisher: new InMemoryPublisher() };
}

describe('growth level changes are published', () => {
  it('publishes one GrowthLevelChanged per threshold a purchase crosses (300, then 1,000), none for a duplicate or a purchase inside a level', async () => {
    // Prepare
    const ports = portsOf();

    // Act
    await countGrowthAndPublish(ports, purchase('o1', 600), config);
    await countGrowthAndPublish(ports, purchase('o2', 500), config);
    await countGrowthAndPublish(ports, purchase('o2', 500), config);
    await countGrowthAndPublish(ports, purchase('o3', 10), config);

    // Assess
    expect(ports.publisher.published).toEqual([
      expect.objectContaining({ userId: 'u1', from: 'newcomer', to: 'growth', direction: 'up', growth: 600 }),
      expect.objectContaining({ userId: 'u1', from: 'growth', to: 'vip', direction: 'up', growth: 1100, occurredAt: '2026-03-01T10:00:00.000Z' }),
    ]);
  });

  it('publishes a change left unpublished by a failed attempt when the event is redelivered, and only once', async () => {
    // Prepare
    const ports = portsOf();
    ports.publisher.failNext = true;
    await expect(countGrowthAndPublish(ports, purchase('o1', 1200), config)).rejects.toThrow('bus unavailable');

    // Act
    await countGrowthAndPublish(ports, purchase('o1', 1200), config);
    await countGrowthAndPublish(ports, purchase('o1', 1200), config);

    // Assess
    expect(ports.publisher.published.map((change) => [change.from, change.to])).toEqual([['newcomer', 'vip']]);
  });
});
