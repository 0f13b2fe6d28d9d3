import type { GrowthLevelChangePublisher, GrowthLevelChanged, LevelChangeLog } from '../../../shared/domain/loyalty';

/** `LevelChangeLog` in memory. */
export class InMemoryLevelChangeLog implements LevelChangeLog {
  readonly changes = new Map<string, { change: GrowthLevelChanged; published: boolean }>();

  async record(change: GrowthLevelChanged): Promise<'recorded' | 'already-recorded'> {
    if (this.changes.has(change.eventId)) return 'already-recorded';
    this.changes.set(change.eventId, { change, published: false });
    return 'recorded';
  }

  async unpublished(_userId: string, changeId: string): Promise<GrowthLevelChanged | undefined> {
    const found = this.changes.get(changeId);
    return found && !found.published ? found.change : undefined;
  }

  async markPublished(change: GrowthLevelChanged): Promise<void> {
    const found = this.changes.get(change.eventId);
    if (found) found.published = true;
  }
}

/** A publisher that keeps what it was given; `failNext` makes the next publish throw. */
export class InMemoryGrowthPublisher implements GrowthLevelChangePublisher {
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
