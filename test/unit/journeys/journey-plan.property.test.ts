import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JourneyDefinitionInvalid } from '../../../shared/domain/journeys/errors';
import { parseJourneyDefinition, type JourneyDefinitionInput } from '../../../shared/domain/journeys/journey-definition';
import { compileJourneyPlan, estimateTransitions, JourneyPlan } from '../../../shared/domain/journeys/journey-plan';

type StepInput = JourneyDefinitionInput['steps'][number];

const sendArbitrary: fc.Arbitrary<StepInput> = fc.record({
  kind: fc.constant('send' as const),
  channels: fc.uniqueArray(fc.constantFrom('email' as const, 'sms' as const, 'push' as const), { minLength: 1, maxLength: 3 }),
  templateId: fc.constantFrom('t-a', 't-b'),
});

/** Any alternation of optional leading wait, sends and waits, with arbitrary escalation and duration. */
const definitionInputArbitrary: fc.Arbitrary<JourneyDefinitionInput> = fc
  .record({
    leadingWait: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
    gaps: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 0, maxLength: 5 }),
    sends: fc.array(sendArbitrary, { minLength: 6, maxLength: 6 }),
    escalation: fc.constantFrom({ kind: 'none' as const }, { kind: 'sunset' as const }, { kind: 'hand-over' as const, toTier: 'R5' as const }),
    maxDurationDays: fc.integer({ min: 1, max: 120 }),
  })
  .map(({ leadingWait, gaps, sends, escalation, maxDurationDays }) => {
    const steps: StepInput[] = leadingWait === undefined ? [] : [{ kind: 'wait', days: leadingWait }];
    steps.push(sends[0]!);
    gaps.forEach((days, index) => steps.push({ kind: 'wait', days }, sends[index + 1]!));
    return { id: 'generated', name: 'Generated', tier: 'R3' as const, steps, escalation, maxDurationDays };
  });

describe('every valid definition', () => {
  it('compiles to a plan within 15 transitions, ordered in time and within the maximum duration', () => {
    fc.assert(
      fc.property(definitionInputArbitrary, (input) => {
        // Prepare
        let definition;
        try {
          definition = parseJourneyDefinition(input);
        } catch (error) {
          if (error instanceof JourneyDefinitionInvalid) return; // refused: nothing to compile
          throw error;
        }

        // Act
        const plan = compileJourneyPlan(definition);

        // Assess
        expect(estimateTransitions(definition)).toBeLessThanOrEqual(15);
        expect(JourneyPlan.parse(plan)).toEqual(plan);
        plan.steps.forEach((step, index) => {
          expect(step.index).toBe(index);
          const previousOffset = index === 0 ? 0 : plan.steps[index - 1]!.atOffsetSeconds;
          expect(step.atOffsetSeconds - previousOffset).toBe(step.waitSeconds);
          expect(step.atOffsetSeconds).toBeLessThanOrEqual(plan.maxDurationSeconds);
        });
        expect(plan.steps.filter((step) => step.kind === 'escalate')).toHaveLength(definition.escalation.kind === 'none' ? 0 : 1);
      }),
    );
  });

  it('is refused exactly when it has more than four sends or breaks the budget or duration', () => {
    fc.assert(
      fc.property(definitionInputArbitrary, (input) => {
        // Prepare: the rules restated from the product: ≤ 4 sends, ≤ 15 transitions, waits within the duration.
        const sends = input.steps.filter((step) => step.kind === 'send').length;
        const planSteps = sends + (input.escalation?.kind === 'none' ? 0 : 1);
        const waitDays = input.steps.reduce((days, step) => days + (step.kind === 'wait' ? step.days : 0), 0);
        const escalates = input.escalation?.kind !== 'none';
        const expectedValid = sends <= 4 && 3 * planSteps + 1 <= 15 && (escalates ? waitDays < input.maxDurationDays : waitDays <= input.maxDurationDays);

        // Act
        const valid = (() => {
          try {
            parseJourneyDefinition(input);
            return true;
          } catch (error) {
            if (error instanceof JourneyDefinitionInvalid) return false;
            throw error;
          }
        })();

        // Assess
        expect(valid).toBe(expectedValid);
      }),
    );
  });
});
