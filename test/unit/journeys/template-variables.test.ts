import { describe, expect, it } from 'vitest';
import {
  DEFAULT_JOURNEY_INPUTS,
  DEFAULT_LIFECYCLE_INPUTS,
  definitionOf,
  findTemplateProblems,
  JourneyDefinitionInvalid,
  LaunchRequest,
  parseJourneyDefinition,
  RECALL_TIERS,
} from '../../../shared/domain/journeys';

const r4Journey = (send: Record<string, unknown>) => ({
  id: 'r4-check',
  name: 'r4',
  tier: 'R4',
  steps: [
    { kind: 'send', channels: ['email'], templateId: 'recall-r1' },
    { kind: 'wait', days: 2 },
    { kind: 'send', channels: ['email'], ...send },
  ],
  maxDurationDays: 5,
});

describe('template variables of journey sends', () => {
  it('finds nothing to refuse in the shipped journeys', () => {
    // Prepare
    const shipped = [...RECALL_TIERS.map((tier) => DEFAULT_JOURNEY_INPUTS[tier]), ...Object.values(DEFAULT_LIFECYCLE_INPUTS)];

    // Act
    const problems = shipped.map((input) => findTemplateProblems(parseJourneyDefinition(input)));

    // Assess
    expect(problems.flat()).toEqual([]);
  });

  it('refuses a send whose template needs a coupon the step does not offer, naming the step and the variables', () => {
    // Prepare
    const request = LaunchRequest.parse({ definition: r4Journey({ templateId: 'recall-r4' }) });

    // Act
    const refused = (() => {
      try {
        definitionOf(request);
        return undefined;
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(refused).toBeInstanceOf(JourneyDefinitionInvalid);
    const problems = (refused as JourneyDefinitionInvalid).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('definition.steps[2].templateId');
    expect(problems[0]!.message).toContain('the send at steps[2] uses template recall-r4, which needs couponValue, couponCode, couponExpiresOn');
    expect(problems[0]!.message).toContain('coupon offer');
  });

  it('accepts the same send with a coupon, and checks each variant’s own template and offer', () => {
    // Prepare
    const withCoupon = r4Journey({ templateId: 'recall-r4', offer: { kind: 'coupon', value: 25, unit: 'percent' } });
    const withVariants = r4Journey({
      templateId: 'recall-r1',
      variants: [
        { id: 'plain', templateId: 'recall-r2' },
        { id: 'coupon', templateId: 'recall-r5' },
        { id: 'unknown', templateId: 'no-such-template' },
      ],
    });

    // Act
    const accepted = findTemplateProblems(parseJourneyDefinition(withCoupon));
    const variantProblems = findTemplateProblems(parseJourneyDefinition(withVariants));

    // Assess
    expect(accepted).toEqual([]);
    expect(variantProblems.map((problem) => problem.path)).toEqual(['steps[2].variants[1].templateId', 'steps[2].variants[2].templateId']);
    expect(variantProblems[0]!.message).toContain('variant coupon of the send at steps[2] uses template recall-r5, which needs couponValue, couponCode');
    expect(variantProblems[1]!.message).toContain('no-such-template, which does not exist');
  });

  it('checks the sends on both sides of a branch', () => {
    // Prepare
    const branching = {
      id: 'branch-check',
      name: 'branch',
      entry: { kind: 'event', event: { type: 'purchase' }, first: true },
      steps: [
        { kind: 'send', channels: ['email'], templateId: 'lifecycle-welcome' },
        {
          kind: 'branch',
          if: { kind: 'score-at-least', attribute: 'clv', value: 100 },
          then: [{ kind: 'send', channels: ['email'], templateId: 'recall-r3' }],
          else: [{ kind: 'send', channels: ['email'], templateId: 'recall-r1' }],
        },
      ],
      maxDurationDays: 5,
    };

    // Act
    const problems = findTemplateProblems(parseJourneyDefinition(branching));

    // Assess
    expect(problems.map((problem) => problem.path)).toEqual(['steps[1].then[0].templateId']);
  });
});
