import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENROLLMENTS_PER_MESSAGE, enrollmentsOfMessage, launchMessageBodies } from '../../../shared/adapters/journeys/launch-queue';
import type { EnrollmentMessage } from '../../../shared/domain/journeys';

const enrollment = fc.record(
  {
    journeyId: fc.constantFrom('j-a', 'j-b', 'j-c'),
    userId: fc.stringMatching(/^u-[0-9a-z]{1,8}$/),
    enrolledAt: fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }).map((ms) => new Date(ms).toISOString()),
    entry: fc.integer({ min: 2, max: 9 }),
  },
  { requiredKeys: ['journeyId', 'userId', 'enrolledAt'] },
);

const decoded = (bodies: readonly string[]) => bodies.flatMap((body) => enrollmentsOfMessage(body));
const byJourney = (messages: readonly EnrollmentMessage[], journeyId: string) => messages.filter((message) => message.journeyId === journeyId);

describe('the launch queue’s messages', () => {
  it('carry every enrollment once, each journey’s in order, at most ten of one journey a message', () => {
    fc.assert(
      fc.property(fc.array(enrollment, { maxLength: 60, size: 'max' }), (messages) => {
        const bodies = launchMessageBodies(messages);
        const back = decoded(bodies);
        for (const journeyId of ['j-a', 'j-b', 'j-c']) expect(byJourney(back, journeyId)).toEqual(byJourney(messages, journeyId));
        expect(back).toHaveLength(messages.length);
        for (const body of bodies) {
          const carried = enrollmentsOfMessage(body);
          expect(carried.length).toBeLessThanOrEqual(ENROLLMENTS_PER_MESSAGE);
          expect(new Set(carried.map((message) => message.journeyId)).size).toBe(1);
        }
        // Only as many messages as the journeys' groups of ten need.
        const needed = ['j-a', 'j-b', 'j-c'].reduce((sum, journeyId) => sum + Math.ceil(byJourney(messages, journeyId).length / ENROLLMENTS_PER_MESSAGE), 0);
        expect(bodies).toHaveLength(needed);
      }),
    );
  });

  it('put each enrollment in a message of its own when asked, in the form queued before groups', () => {
    fc.assert(
      fc.property(fc.array(enrollment, { maxLength: 20 }), (messages) => {
        const bodies = launchMessageBodies(messages, { oneEach: true });
        expect(bodies).toEqual(messages.map((message) => JSON.stringify(message)));
        expect(decoded(bodies)).toEqual(messages);
      }),
    );
  });

  it('refuses a body that is neither one enrollment nor a group of one journey’s', () => {
    const group = (count: number) =>
      JSON.stringify({ journeyId: 'j', enrollments: Array.from({ length: count }, (_, i) => ({ userId: `u${i}`, enrolledAt: '2026-12-01T00:00:00.000Z' })) });
    expect(() => enrollmentsOfMessage(group(ENROLLMENTS_PER_MESSAGE + 1))).toThrow();
    expect(() => enrollmentsOfMessage(group(0))).toThrow();
    expect(() => enrollmentsOfMessage(JSON.stringify({ journeyId: 'j', userId: 'u', enrolledAt: 'yesterday' }))).toThrow();
    expect(() => enrollmentsOfMessage('not json')).toThrow();
    expect(enrollmentsOfMessage(group(2))).toEqual([
      { journeyId: 'j', userId: 'u0', enrolledAt: '2026-12-01T00:00:00.000Z' },
      { journeyId: 'j', userId: 'u1', enrolledAt: '2026-12-01T00:00:00.000Z' },
    ]);
  });
});
