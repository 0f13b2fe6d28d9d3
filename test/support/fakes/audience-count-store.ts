import type { AudienceCount, AudienceCountStore, CountCheckpoint, CountWorkflow } from '../../../shared/domain/journeys';

/** Exact counts in memory, with the same only-over-the-previous-checkpoint rule as the DynamoDB store. */
export class InMemoryAudienceCountStore implements AudienceCountStore {
  readonly stored = new Map<string, AudienceCount>();
  readonly saved = new Map<string, CountCheckpoint>();

  async create(count: AudienceCount): Promise<void> {
    if (this.stored.has(count.countId)) throw new Error(`count ${count.countId} exists`);
    this.stored.set(count.countId, structuredClone(count));
  }

  async get(countId: string): Promise<AudienceCount | undefined> {
    const found = this.stored.get(countId);
    return found && structuredClone(found);
  }

  async checkpoint(countId: string, segment: number): Promise<CountCheckpoint | undefined> {
    const found = this.saved.get(`${countId}/${segment}`);
    return found && structuredClone(found);
  }

  async checkpoints(countId: string): Promise<CountCheckpoint[]> {
    return [...this.saved].filter(([key]) => key.startsWith(`${countId}/`)).map(([, checkpoint]) => structuredClone(checkpoint));
  }

  async saveCheckpoint(countId: string, checkpoint: CountCheckpoint, previousPages: number): Promise<boolean> {
    const key = `${countId}/${checkpoint.segment}`;
    if ((this.saved.get(key)?.pages ?? 0) !== previousPages) return false;
    this.saved.set(key, structuredClone(checkpoint));
    return true;
  }
}

/** Records the counts it was asked to start. */
export class RecordingCountWorkflow implements CountWorkflow {
  readonly started: string[] = [];

  async start(countId: string): Promise<void> {
    if (!this.started.includes(countId)) this.started.push(countId);
  }
}
