import type { LaunchProgressStore, SegmentCheckpoint } from '../../../shared/domain/journeys';

/** Launch checkpoints and started counts in memory. */
export class InMemoryLaunchProgressStore implements LaunchProgressStore {
  readonly saved = new Map<string, SegmentCheckpoint>();
  readonly startedCounts = new Map<string, number>();

  async checkpoint(journeyId: string, segment: number): Promise<SegmentCheckpoint | undefined> {
    const found = this.saved.get(`${journeyId}/${segment}`);
    return found && structuredClone(found);
  }

  async checkpoints(journeyId: string): Promise<SegmentCheckpoint[]> {
    return [...this.saved].filter(([key]) => key.startsWith(`${journeyId}/`)).map(([, checkpoint]) => structuredClone(checkpoint));
  }

  async saveCheckpoint(journeyId: string, checkpoint: SegmentCheckpoint, previousPages: number): Promise<boolean> {
    const key = `${journeyId}/${checkpoint.segment}`;
    if ((this.saved.get(key)?.pages ?? 0) !== previousPages) return false;
    this.saved.set(key, structuredClone(checkpoint));
    return true;
  }

  async beginSegment(journeyId: string, checkpoint: SegmentCheckpoint): Promise<boolean> {
    const key = `${journeyId}/${checkpoint.segment}`;
    if (this.saved.has(key)) return false;
    this.saved.set(key, structuredClone(checkpoint));
    return true;
  }

  async addStarted(journeyId: string, count: number): Promise<void> {
    this.startedCounts.set(journeyId, (this.startedCounts.get(journeyId) ?? 0) + count);
  }

  async started(journeyId: string): Promise<number> {
    return this.startedCounts.get(journeyId) ?? 0;
  }
}
