import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { experimentAssignment, personalizePlan } from '../../../shared/domain/experiments';
import {
  compileJourneyPlan,
  JourneyDefinition,
  JourneyDefinitionInvalid,
  parseJourneyDefinition,
  type JourneyDefinitionInput,
} from '../../../shared/domain/journeys';

const DAY = 86_400;
const abTest: JourneyDefinitionInput = {
  id: 'r3-ab',
  name: 'R3 with an A/B test',
  tier: 'R3',
  steps: [
    { kind: 'send', channels: ['email'], templateId: 'recall-r3-content' },
    { kind: 'wait', days: 3 },
    {
      kind: 'send',
      channels: ['email'],
      templateId: 'recall-r3-coupon',
      offer: { kind: 'coupon', value: 10, unit: 'percent' },
      variants: [
        { id: 'control-copy', weight: 1 },
        { id: 'bigger-offer', weight: 1, offer: { kind: 'coupon', value: 20, unit: 'percent' }, waitDays: 5 },
        { id: 'push', weight: 2, channels: ['push'] },
      ],
    },
  ],
  maxDurationDays: 14,
  escalation: { kind: 'sunset' },
  rollout: {},
};

describe('variants on a send step', () => {
  it('records a variant and a rollout stage on treated members, none on the holdout, the same on every re-entry', () => {
    const definition = parseJourneyDefinition(abTest);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }), (userId) => {
        // Act
        const treated = experimentAssignment(definition, userId, false);
        const again = experimentAssignment(definition, userId, false);
        const heldOut = experimentAssignment(definition, userId, true);
        // Assess
        expect(again).toEqual(treated);
        expect(['control-copy', 'bigger-offer', 'push']).toContain(treated.variants?.['2']);
        expect(Object.keys(treated.variants ?? {})).toEqual(['2']);
        expect([0, 1, 2]).toContain(treated.rolloutStage);
        expect(heldOut).toEqual({});
      }),
      { seed: 3 },
    );
  });

  it("personalizes the plan with the user's variant: offer, channels, and a longer wait that moves later steps but not the escalation", () => {
    // Prepare
    const definition = parseJourneyDefinition(abTest);
    const plan = compileJourneyPlan(definition);
    const users = Array.from({ length: 200 }, (_, index) => `user-${index}`);
    const byVariant = new Map(users.map((userId) => [experimentAssignment(definition, userId, false).variants!['2'], userId]));
    // Act
    const bigger = personalizePlan(plan, definition, byVariant.get('bigger-offer')!);
    const push = personalizePlan(plan, definition, byVariant.get('push')!);
    // Assess
    expect(bigger.steps[1]).toMatchObject({
      variantId: 'bigger-offer',
      waitSeconds: 5 * DAY,
      atOffsetSeconds: 5 * DAY,
      offer: { value: 20 },
      channels: ['email'],
    });
    expect(bigger.steps[2]).toMatchObject({ kind: 'escalate', atOffsetSeconds: 14 * DAY, waitSeconds: 9 * DAY });
    expect(push.steps[1]).toMatchObject({ variantId: 'push', waitSeconds: 3 * DAY, channels: ['push'], offer: { value: 10 } });
    expect(push.steps[0]).toEqual(plan.steps[0]);
  });

  it('refuses repeated variant ids, weights too small for a bucket, and variant waits past the maximum duration', () => {
    // Prepare
    const withVariants = (variants: unknown[], maxDurationDays = 14) => ({
      ...abTest,
      maxDurationDays,
      steps: [abTest.steps[0], abTest.steps[1], { kind: 'send', channels: ['email'], templateId: 't', variants }],
    });
    // Act
    const problems = (input: unknown) => {
      const parsed = JourneyDefinition.safeParse(input);
      return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
    };
    // Assess
    expect(problems(withVariants([{ id: 'a' }, { id: 'a' }]))).toContain('variant ids must not repeat');
    expect(
      problems(
        withVariants([
          { id: 'a', weight: 1 },
          { id: 'b', weight: 1e6 },
        ]),
      ),
    ).toContain('every variant weight must be at least 1/10,000 of their sum');
    expect(problems(withVariants([{ id: 'a' }, { id: 'b', waitDays: 14 }])).join(' ')).toContain('longest variant waits');
    expect(problems(withVariants([{ id: 'a' }]))).not.toEqual([]);
    expect(() => parseJourneyDefinition(withVariants([{ id: 'a' }, { id: 'b', waitDays: 10 }]))).not.toThrow(JourneyDefinitionInvalid);
  });
});
