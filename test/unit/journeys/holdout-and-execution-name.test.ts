import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXECUTION_NAME_PATTERN, journeyExecutionName } from '../../../shared/domain/journeys/execution-name';
import { holdoutPosition, isInHoldout } from '../../../shared/domain/journeys/holdout';

const journeyIdArbitrary = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/);
const userIdArbitrary = fc.oneof(
  fc.uuid(),
  fc.emailAddress(),
  fc.stringMatching(/^[A-Za-z0-9-]{1,60}$/),
  fc.string({ minLength: 1, maxLength: 120, unit: 'grapheme' }),
  fc.nat().map((n) => `user:${n}`),
);

describe('holdout', () => {
  it('is stable and lies in [0, 1)', () => {
    fc.assert(
      fc.property(journeyIdArbitrary, userIdArbitrary, (journeyId, userId) => {
        // Prepare / Act
        const first = holdoutPosition(journeyId, userId);
        const second = holdoutPosition(journeyId, userId);

        // Assess
        expect(second).toBe(first);
        expect(first).toBeGreaterThanOrEqual(0);
        expect(first).toBeLessThan(1);
      }),
    );
  });

  it('holds out the configured share within five standard errors', () => {
    fc.assert(
      fc.property(journeyIdArbitrary, fc.constantFrom(0.05, 0.1, 0.25), (journeyId, share) => {
        // Prepare: 20,000 sequential ids; the count is Binomial(n, share), sd = sqrt(n·share·(1−share)).
        const userCount = 20_000;
        const tolerance = 5 * Math.sqrt((share * (1 - share)) / userCount);

        // Act
        let heldOut = 0;
        for (let index = 0; index < userCount; index += 1) if (isInHoldout(journeyId, `user-${index}`, share)) heldOut += 1;

        // Assess
        expect(Math.abs(heldOut / userCount - share)).toBeLessThan(tolerance);
      }),
      { numRuns: 5 },
    );
  });

  it('holds out nobody at share 0 and everybody at share 1', () => {
    fc.assert(
      fc.property(journeyIdArbitrary, userIdArbitrary, (journeyId, userId) => {
        // Prepare / Act / Assess
        expect(isInHoldout(journeyId, userId, 0)).toBe(false);
        expect(isInHoldout(journeyId, userId, 1)).toBe(true);
      }),
    );
  });

  it('draws a different holdout for different journeys', () => {
    // Prepare: two independent 10% holdouts overlap on about 1% of users, 10% if they were the same.
    const userCount = 20_000;

    // Act
    let inBoth = 0;
    for (let index = 0; index < userCount; index += 1) {
      if (isInHoldout('journey-a', `user-${index}`, 0.1) && isInHoldout('journey-b', `user-${index}`, 0.1)) inBoth += 1;
    }

    // Assess
    expect(inBoth / userCount).toBeLessThan(0.02);
  });
});

describe('journeyExecutionName', () => {
  it('is valid for Step Functions and deterministic', () => {
    fc.assert(
      fc.property(journeyIdArbitrary, userIdArbitrary, (journeyId, userId) => {
        // Prepare / Act
        const name = journeyExecutionName(journeyId, userId);

        // Assess
        expect(name).toMatch(EXECUTION_NAME_PATTERN);
        expect(name.length).toBeLessThanOrEqual(80);
        expect(journeyExecutionName(journeyId, userId)).toBe(name);
        expect(name.startsWith(`${journeyId}_`)).toBe(true);
      }),
    );
  });

  it('gives distinct pairs distinct names', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(journeyIdArbitrary, userIdArbitrary), {
          minLength: 2,
          maxLength: 50,
          selector: ([journeyId, userId]) => `${journeyId}\u0000${userId}`,
        }),
        (pairs) => {
          // Prepare / Act
          const names = pairs.map(([journeyId, userId]) => journeyExecutionName(journeyId, userId));

          // Assess
          expect(new Set(names).size).toBe(pairs.length);
        },
      ),
    );
  });

  it('keeps names readable when they fit and hashes otherwise', () => {
    // Prepare
    const fitsExactly = 'x'.repeat(80 - 'recall-r3_'.length);
    const longUserId = 'x'.repeat(81 - 'recall-r3_'.length);

    // Act
    const readable = journeyExecutionName('recall-r3', 'user-123');
    const withColon = journeyExecutionName('recall-r3', 'user:123');
    const exact = journeyExecutionName('recall-r3', fitsExactly);
    const tooLong = journeyExecutionName('recall-r3', longUserId);

    // Assess
    expect(readable).toBe('recall-r3_user-123');
    expect(withColon).toMatch(/^recall-r3_h_[A-Za-z0-9_-]{43}$/);
    expect(exact).toBe(`recall-r3_${fitsExactly}`);
    expect(tooLong).toMatch(/^recall-r3_h_[A-Za-z0-9_-]{43}$/);
  });

  it('tells apart ids that a naive join would merge', () => {
    // Prepare / Act: "a-b" + "c" and "a" + "b-c" join to the same string with a hyphen.
    const first = journeyExecutionName('a-b', 'c');
    const second = journeyExecutionName('a', 'b-c');

    // Assess
    expect(first).not.toBe(second);
  });
});
