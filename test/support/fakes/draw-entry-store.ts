import { DrawEntry, type DrawEntryStore, type DrawResult } from '../../../shared/domain/loyalty';

/** `DrawEntryStore` in memory. */
export class InMemoryDrawEntryStore implements DrawEntryStore {
  private readonly entriesById = new Map<string, DrawEntry>();
  private readonly results = new Map<string, DrawResult>();

  async enter(entry: DrawEntry): Promise<'entered' | 'already-entered'> {
    const valid = DrawEntry.parse(entry);
    if (this.entriesById.has(valid.id)) return 'already-entered';
    this.entriesById.set(valid.id, valid);
    return 'entered';
  }

  async entriesOf(month: string): Promise<readonly DrawEntry[]> {
    return [...this.entriesById.values()].filter((entry) => entry.month === month);
  }

  async recordResult(result: DrawResult): Promise<{ kind: 'recorded' | 'already-drawn'; result: DrawResult }> {
    const existing = this.results.get(result.month);
    if (existing) return { kind: 'already-drawn', result: existing };
    this.results.set(result.month, result);
    return { kind: 'recorded', result };
  }

  async resultOf(month: string): Promise<DrawResult | undefined> {
    return this.results.get(month);
  }
}
