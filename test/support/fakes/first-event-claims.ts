import type { FirstEventClaims } from '../../../shared/domain/journeys';

/** First-event claims in memory, by `userId/kind`. */
export class InMemoryFirstEventClaims implements FirstEventClaims {
  readonly claims = new Map<string, string>();

  async claim(userId: string, kind: string, eventId: string): Promise<boolean> {
    const key = `${userId}/${kind}`;
    const claimed = this.claims.get(key);
    if (claimed === undefined) this.claims.set(key, eventId);
    return claimed === undefined || claimed === eventId;
  }
}
