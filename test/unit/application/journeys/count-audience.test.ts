import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { audienceCountOf, countAudienceSegment, requestAudienceCount } from '../../../../shared/application/journeys/count-audience';
import { findAudience } from '../../../../shared/application/journeys/find-audience';
import { definitionOf, LAUNCH_SCAN_SEGMENTS, previewJourneyLaunch, type LaunchRequest } from '../../../../shared/domain/journeys';
import type { ExactUser } from '../../../support/fakes/score-reader';
import { fakeJourneyPorts } from '../../../support/fakes/journey-ports';
import { scoredUser } from '../../journeys/fixtures';

const TIERS = ['R1', 'R2', 'R3', 'R4', 'R5', null] as const;

const arbitraryUser = (i: number) =>
  fc
    .record({
      tier: fc.constantFrom(...TIERS),
      clv: fc.integer({ min: 0, max: 400 }),
      email: fc.boolean(),
      sms: fc.boolean(),
      unsubscribed: fc.boolean(),
      sunset: fc.boolean(),
      locale: fc.constantFrom('en', 'zh-CN'),
    })
    .map(({ tier, clv, email, sms, unsubscribed, sunset, locale }) =>
      scoredUser({ userId: `u-${String(i).padStart(4, '0')}`, tier, clv, locale, unsubscribed, sunset, consents: { email, sms, push: false } }),
    );

const arbitraryUsers = fc.integer({ min: 0, max: 120 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbitraryUser(i))));

const request: LaunchRequest = { id: 'count-test', defaultTier: 'R3', audience: { tiers: ['R2', 'R3', 'R4'], clv: { min: 50 } } };

/** Runs every segment of a count to its end as the workflow does: again on `more`, again after a failed task. */
async function runCount(ports: ReturnType<typeof fakeJourneyPorts>, countId: string, outOfTime: () => boolean) {
  for (let segment = 0; segment < LAUNCH_SCAN_SEGMENTS; segment++) {
    for (;;) {
      try {
        const result = await countAudienceSegment({ countId, segment, totalSegments: LAUNCH_SCAN_SEGMENTS }, { ...ports, outOfTime });
        if (result.state === 'done') break;
      } catch (error) {
        if (!(error instanceof Error && error.message === 'injected')) throw error;
      }
    }
  }
}

describe('the exact count (the launch selection, counted)', () => {
  it('answers the same preview as one pass over the matched users, whatever the pages, hand-backs and failed tasks', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraryUsers,
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 4 }),
        fc.subarray([...Array(120).keys()]),
        async (users, pageSize, handBacks, failAtPages, memberIndexes) => {
          // Prepare: the journey exists when some users are its members already
          const ports = fakeJourneyPorts();
          ports.scores.users.push(...(users as ExactUser[]));
          ports.scores.pageSize = pageSize;
          const members = memberIndexes.map((i) => `u-${String(i).padStart(4, '0')}`);
          const definition = definitionOf(request);
          if (members.length > 0) {
            await ports.journeys.create({
              journeyId: definition.id,
              definition,
              audience: request.audience,
              status: 'running',
              launchedAt: ports.clock.now().toISOString(),
              updatedAt: ports.clock.now().toISOString(),
            });
            await ports.enrollments.enrollOnce(
              definition.id,
              members.map((userId) => ({ userId, tier: 'R3', holdout: false, enrolledAt: ports.clock.now().toISOString() })),
            );
          }
          let reads = 0;
          const read = ports.scores.scoredUsersPage.bind(ports.scores);
          ports.scores.scoredUsersPage = async (criteria, page) => {
            if (failAtPages.includes(reads++)) throw new Error('injected');
            return read(criteria, page);
          };
          let calls = 0;

          // Act
          const asked = await requestAudienceCount(request, ports, () => 'c-1');
          await runCount(ports, 'c-1', () => handBacks[calls++ % handBacks.length]!);
          const answer = await audienceCountOf('c-1', ports);

          // Assess
          const expected = previewJourneyLaunch(definition, await findAudience(request.audience, ports), new Set(members));
          expect(asked).toMatchObject({ countId: 'c-1', status: 'counting', segmentsDone: 0 });
          expect(ports.countWorkflow.started).toEqual(['c-1']);
          expect(answer.status).toBe('done');
          expect(answer.status === 'done' && answer.preview).toEqual({ source: 'count', exact: true, countedAt: ports.clock.now().toISOString(), ...expected });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('shows the count under way segment by segment, and refuses an unknown id', async () => {
    // Prepare
    const ports = fakeJourneyPorts();
    ports.scores.users.push(...Array.from({ length: 40 }, (_, i) => scoredUser({ userId: `u-${i}`, clv: 100 })));
    await requestAudienceCount(request, ports, () => 'c-2');

    // Act
    await countAudienceSegment({ countId: 'c-2', segment: 0, totalSegments: LAUNCH_SCAN_SEGMENTS }, { ...ports, outOfTime: () => false });
    const partway = await audienceCountOf('c-2', ports);

    // Assess
    expect(partway).toMatchObject({ status: 'counting', segmentsDone: 1, totalSegments: LAUNCH_SCAN_SEGMENTS, matchedSoFar: 5 });
    await expect(audienceCountOf('nope', ports)).rejects.toMatchObject({ name: 'AudienceCountNotFound', kind: 'not-found' });
  });

  it('refuses a request a launch would refuse, storing and starting nothing', async () => {
    // Prepare
    const ports = fakeJourneyPorts();

    // Act
    const asked = requestAudienceCount({ audience: {}, definition: { id: 'x', steps: [] } }, ports, () => 'c-3');

    // Assess
    await expect(asked).rejects.toMatchObject({ problems: expect.arrayContaining([expect.objectContaining({ path: 'definition.steps' })]) });
    expect(ports.counts.stored.size).toBe(0);
    expect(ports.countWorkflow.started).toEqual([]);
  });
});
