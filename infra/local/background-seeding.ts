import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import type { BehaviourEvent } from '../../shared/domain/events/behaviour-event';
import { rawEventItem } from '../../shared/adapters/dynamodb/raw-event-store';
import { INGEST_DEFAULTS } from '../../shared/config/tables';
import { seedPopulation, seededRawEvents, type SeedRequest, type SeedTables } from './seed-population';

/** The demonstration population a fresh data folder gets. */
export interface SeedPlan {
  users: number;
  days: number;
  seed: number;
}

/** Seeding as `GET /local/ready` reports it. */
export interface SeedingProgress {
  state: 'seeding' | 'done' | 'stopped' | 'failed';
  done: number;
  total: number;
  events: number;
  error?: string;
  /** True until a resumed seeding has read where it stopped (`done` is 0 until then, not its position). */
  resuming?: boolean;
}

/**
 * The data folder's record of its seeding (`seed.json`): written before the first item, with the
 * population's end date, and marked complete at the end. A start that finds it incomplete resumes
 * the same population (the operations table's marker says from which user); a start without it on
 * a folder that has data does not seed.
 */
const SeedRecord = z.object({
  users: z.number().int().positive(),
  days: z.number().int().positive(),
  seed: z.number().int(),
  endDate: z.string(),
  complete: z.boolean(),
});
type SeedRecord = z.infer<typeof SeedRecord>;

/**
 * Seeds the demonstration population behind a running system. The stream consumers must not apply
 * seeded raw events (the seeder writes the aggregates itself), so every seeded raw event's key is
 * known before it is written and the stream sources skip it.
 */
export class BackgroundSeeding {
  private readonly seededKeys = new Set<string>();
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  progress: SeedingProgress | null = null;

  private constructor(
    private readonly file: string | null,
    private record: SeedRecord,
    /** True when an interrupted seeding is taken up again. */
    private readonly resumed = false,
  ) {}

  /**
   * What this start seeds, if anything: a fresh store gets `plan` (ending at `now`); a folder whose
   * seeding was interrupted gets the rest of the population it started, whatever `plan` says now.
   */
  static plan(options: { dataDir: string | null; freshStore: boolean; plan: SeedPlan | undefined; now: Date }): BackgroundSeeding | null {
    if (!options.plan) return null;
    const file = options.dataDir ? join(options.dataDir, 'seed.json') : null;
    if (file && existsSync(file)) {
      const record = SeedRecord.parse(JSON.parse(readFileSync(file, 'utf8')));
      if (record.complete) return null;
      const seeding = new BackgroundSeeding(file, record, true);
      // Raw events written before the interruption may still be ahead of the stream checkpoint.
      for (const event of seededRawEvents(seeding.request)) seeding.remember(event);
      return seeding;
    }
    if (!options.freshStore) return null;
    const record: SeedRecord = { ...options.plan, endDate: options.now.toISOString(), complete: false };
    if (file) writeFileSync(file, JSON.stringify(record, null, 2));
    return new BackgroundSeeding(file, record);
  }

  private get request(): SeedRequest {
    return { users: this.record.users, days: this.record.days, seed: this.record.seed, endDate: new Date(this.record.endDate) };
  }

  /** True for a stream record of a raw event the seeder wrote (its keys are the event's own). */
  isSeeded(record: { dynamodb?: { Keys?: Record<string, { S?: string }> } }): boolean {
    const keys = record.dynamodb?.Keys;
    return this.seededKeys.has(`${keys?.pk?.S}|${keys?.sk?.S}`);
  }

  private remember(event: BehaviourEvent): void {
    const item = rawEventItem(event, INGEST_DEFAULTS.rawEventRetentionDays);
    this.seededKeys.add(`${item.pk}|${item.sk}`);
  }

  /**
   * Starts seeding in the background; `onProgress` sees every checkpoint. `afterSeeded` runs once
   * the population is in and before the seeding is recorded complete (the health backfill of the
   * seeded history), so an interruption in it runs it again on the next start.
   */
  start(
    client: DynamoDBClient,
    tables: SeedTables,
    onProgress: (progress: SeedingProgress) => void = () => undefined,
    afterSeeded: () => Promise<void> = async () => undefined,
  ): void {
    const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const update = (progress: SeedingProgress) => {
      this.progress = progress;
      onProgress(progress);
    };
    update({ state: 'seeding', done: 0, total: this.record.users, events: 0, ...(this.resumed ? { resuming: true } : {}) });
    this.running = seedPopulation(documents, tables, this.request, (done, total, events) => update({ state: 'seeding', done, total, events }), {
      beforeRawWrite: (events) => events.forEach((event) => this.remember(event)),
      signal: this.abort.signal,
    })
      .then(async (result) => {
        if (result.stopped) return update({ ...this.progress!, state: 'stopped' });
        await afterSeeded();
        this.record = { ...this.record, complete: true };
        if (this.file) writeFileSync(this.file, JSON.stringify(this.record, null, 2));
        update({ ...this.progress!, state: 'done', done: result.users });
      })
      .catch((error: unknown) => update({ ...this.progress!, state: 'failed', error: error instanceof Error ? error.message : String(error) }));
  }

  /** Stops after the flush under way, so the next start resumes from a consistent marker. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }
}
