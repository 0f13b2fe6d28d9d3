import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { DynamoUserStore } from '../../../shared/adapters/dynamodb/user-store';
import { journeyKeys } from '../../../shared/adapters/journeys/journey-keys';
import { DynamoScoreReader } from '../../../shared/adapters/journeys/score-reader';
import { DynamoScoreSink } from '../../../shared/adapters/scoring/dynamo-score-sink';
import { matchesReach, type AudienceFilter, type ScoredUser } from '../../../shared/domain/journeys';
import { RECALL_TIERS } from '../../../shared/domain/models';
import type { StoredScore } from '../../../shared/domain/scoring-run';
import { startTestRuntime, tableNamed } from '../../support/test-runtime';

/**
 * The audience index as nightly scoring writes it and launches read it: every scored user of an
 * audience is read exactly once, whatever the segment count and page size, and only scored users.
 */
let runtime: LocalRuntime;
let reader: DynamoScoreReader;
let documents: DynamoDBDocumentClient;
let usersTable: string;
const USERS = 240;
const tiers = [...RECALL_TIERS, 'active'] as const;

/** The population, as the test wrote it: tier, CLV, locale and consent vary with the user's number. */
const written = Array.from({ length: USERS }, (_, i) => ({
  userId: `aud-${String(i).padStart(4, '0')}`,
  tier: tiers[i % tiers.length]!,
  clv: (i * 37) % 500,
  // Stored as scoring stores it, to the nearest 0.05.
  churnRisk: Math.round(((i * 13) % 100) / 5) / 20,
  locale: i % 3 === 0 ? ('zh-CN' as const) : ('en' as const),
  email: i % 2 === 0,
}));

beforeAll(async () => {
  runtime = await startTestRuntime();
  documents = DynamoDBDocumentClient.from(runtime.dynamodb.client, { marshallOptions: { removeUndefinedValues: true } });
  usersTable = tableNamed(runtime, 'UsersTable');
  // Pages of 7 index items, so a shard takes several pages and the cursors chain through them.
  reader = new DynamoScoreReader(documents, usersTable, 7);
  const now = runtime.clock.now().toISOString();
  await new DynamoUserStore(documents, usersTable, 400).putProfiles(
    written.map((user) => ({
      userId: user.userId,
      email: `${user.userId}@example.test`,
      timezone: 'UTC',
      locale: user.locale,
      consents: { email: user.email, sms: false, push: false },
      attributes: {},
      createdAt: now,
      updatedAt: now,
    })),
  );
  await new DynamoScoreSink(documents, usersTable).write(
    written.map((user): StoredScore => ({
      userId: user.userId,
      tier: user.tier,
      tierSince: '2026-11-01',
      scoredOn: '2026-11-30',
      recency: 2,
      frequency: 3,
      monetary: 3,
      segment: 'At Risk',
      quadrant: 'Cash Cow',
      clvDecile: 5,
      highValue: false,
      churnRisk: user.churnRisk,
      probabilityAlive: 0.5,
      expectedPurchases: 1,
      expectedSpend: 20,
      clv: user.clv,
    })),
  );
  // A profile-like item with a stray tier is no score: only SCORE items carry the index keys.
  await documents.send(
    new PutCommand({ TableName: usersTable, Item: { pk: journeyKeys.userPk('not-scored'), sk: journeyKeys.profileSk, userId: 'not-scored', tier: 'R3' } }),
  );
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
});

async function readAll(filter: AudienceFilter, totalSegments: number): Promise<string[]> {
  const users: ScoredUser[] = [];
  for (let segment = 0; segment < totalSegments; segment++) {
    let cursor: string | null = null;
    do {
      const page = await reader.scoredUsersPage(filter, { segment, totalSegments, cursor });
      users.push(...page.users.filter((user) => matchesReach(filter, user)));
      cursor = page.cursor;
    } while (cursor !== null);
  }
  return users.map((user) => user.userId).sort();
}

function expected(filter: AudienceFilter): string[] {
  return written
    .filter(
      (user) =>
        (filter.tiers === undefined || (user.tier !== 'active' && filter.tiers.includes(user.tier))) &&
        (filter.clv?.min === undefined || user.clv >= filter.clv.min) &&
        (filter.clv?.max === undefined || user.clv <= filter.clv.max) &&
        (filter.churnRisk?.min === undefined || user.churnRisk >= filter.churnRisk.min) &&
        (filter.churnRisk?.max === undefined || user.churnRisk <= filter.churnRisk.max) &&
        (filter.locales === undefined || filter.locales.includes(user.locale)) &&
        (filter.requiredConsents === undefined || user.email),
    )
    .map((user) => user.userId)
    .sort();
}

describe('the audience index', () => {
  const filters: AudienceFilter[] = [
    {},
    { tiers: ['R3'] },
    { tiers: ['R1', 'R5'], clv: { min: 100, max: 300 } },
    { clv: { min: 250 }, locales: ['zh-CN'], requiredConsents: ['email'] },
    // Range ends inside the bands: the entries of those bands are judged on their SCORE items.
    { clv: { min: 120, max: 260 } },
    { tiers: ['R2', 'R3'], churnRisk: { min: 0.35, max: 0.8 } },
    { churnRisk: { max: 0.3 }, clv: { min: 100, max: 249.99 } },
  ];

  it.each([8, 4, 3])('reads every user of an audience once over %i segments, with the profiles as they are', async (totalSegments) => {
    for (const filter of filters) {
      // Act
      const read = await readAll(filter, totalSegments);

      // Assess
      expect(read, JSON.stringify(filter)).toEqual(expected(filter));
      expect(read.length, JSON.stringify(filter)).toBeGreaterThan(0);
    }
  });

  it('writes a score under its own user, whatever keys the object it is given carries', async () => {
    // Prepare: a stored item copied for another user, its keys and index attributes along.
    const key = (userId: string) => ({ pk: journeyKeys.userPk(userId), sk: journeyKeys.scoreSk });
    const stored = (await documents.send(new GetCommand({ TableName: usersTable, Key: key('aud-0003') }))).Item!;

    // Act
    await new DynamoScoreSink(documents, usersTable).write([{ ...(stored as StoredScore), userId: 'aud-copy' }]);

    // Assess: the copy is its own item; the original is as it was.
    const copy = (await documents.send(new GetCommand({ TableName: usersTable, Key: key('aud-copy') }))).Item;
    const original = (await documents.send(new GetCommand({ TableName: usersTable, Key: key('aud-0003') }))).Item;
    await documents.send(new DeleteCommand({ TableName: usersTable, Key: key('aud-copy') }));
    expect(copy).toMatchObject({ userId: 'aud-copy', audienceKey: `${String(stored.tier)}#aud-copy` });
    expect(original).toEqual(stored);
  });
});
