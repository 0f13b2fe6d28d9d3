import type { SunsetList } from '../../../shared/domain/journeys';

/** Sunset suppressions in memory. */
export class InMemorySunsetList implements SunsetList {
  readonly sunsets = new Set<string>();

  async sunset(userId: string): Promise<'added' | 'already-there'> {
    if (this.sunsets.has(userId)) return 'already-there';
    this.sunsets.add(userId);
    return 'added';
  }
}
