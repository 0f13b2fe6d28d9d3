import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HealthUser, HealthUserSource } from '../../domain/health';
import { DynamoUserScanner } from '../scoring/dynamo-user-scanner';

/**
 * Every user of the users table for the health backfill, through the nightly scan's own reader
 * (profiles, daily aggregates, the last scoring's segment), in parallel segments.
 */
export class ScannedHealthUsers implements HealthUserSource {
  private readonly scanner: DynamoUserScanner;

  constructor(
    client: DynamoDBDocumentClient,
    tableName: string,
    private readonly segments: number,
  ) {
    this.scanner = new DynamoUserScanner(client, tableName);
  }

  async forEachPage(onUsers: (users: readonly HealthUser[]) => void): Promise<void> {
    await Promise.all(
      Array.from({ length: this.segments }, (_, segment) =>
        this.scanner.scanSegment(
          { segment, totalSegments: this.segments, cursor: null },
          async (users) => onUsers(users.map((user) => ({ userId: user.userId, days: user.days, segment: user.previous?.segment ?? null }))),
          () => false,
        ),
      ),
    );
  }
}
