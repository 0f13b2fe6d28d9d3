import type { ExpiryWatch, ExpiryWatchStore } from '../../../shared/domain/loyalty';

/** The points-expiry watch in memory; `arm` does what the DynamoDB ledger does inside each points grant. */
export class InMemoryExpiryWatchStore implements ExpiryWatchStore {
  readonly watches = new Map<string, { wakeAt: string | undefined; grants: number }>();

  /** A points grant arms the watch (unless it is armed already) and counts itself. */
  arm(userId: string, wakeAt: Date): void {
    const watch = this.watches.get(userId);
    this.watches.set(userId, { wakeAt: watch?.wakeAt ?? wakeAt.toISOString(), grants: (watch?.grants ?? 0) + 1 });
  }

  async load(userId: string): Promise<ExpiryWatch | undefined> {
    const watch = this.watches.get(userId);
    return watch ? { ...watch } : undefined;
  }

  async reschedule(userId: string, wakeAt: Date | undefined, readGrants: number): Promise<'saved' | 'conflict'> {
    const watch = this.watches.get(userId);
    if (!watch || watch.grants !== readGrants) return 'conflict';
    this.watches.set(userId, { wakeAt: wakeAt?.toISOString(), grants: watch.grants });
    return 'saved';
  }
}
