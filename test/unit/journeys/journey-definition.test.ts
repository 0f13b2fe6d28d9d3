import { describe, expect, it } from 'vitest';
import { DEFAULT_JOURNEYS, DEFAULT_JOURNEY_INPUTS } from '../../../shared/domain/journeys/default-journeys';
import { JourneyDefinitionInvalid } from '../../../shared/domain/journeys/errors';
import { RECALL_TIERS, parseJourneyDefinition, type JourneyDefinitionInput } from '../../../shared/domain/journeys/journey-definition';

type StepInput = JourneyDefinitionInput['steps'][number];

function validInput(overrides: Partial<JourneyDefinitionInput> = {}): JourneyDefinitionInput {
  return {
    id: 'spring-r3',
    name: 'Spring R3',
    tier: 'R3',
    steps: [
      { kind: 'send', channels: ['email'], templateId: 't1' },
      { kind: 'wait', days: 3 },
      { kind: 'send', channels: ['push'], templateId: 't2' },
    ],
    maxDurationDays: 30,
    ...overrides,
  };
}

function problemsOf(input: unknown): { path: string; message: string }[] {
  try {
    parseJourneyDefinition(input);
  } catch (error) {
    if (error instanceof JourneyDefinitionInvalid) return [...error.problems];
    throw error;
  }
  throw new Error('expected the definition to be refused');
}

describe('parseJourneyDefinition', () => {
  it('fills in the documented defaults', () => {
    // Prepare
    const input = validInput();

    // Act
    const definition = parseJourneyDefinition(input);

    // Assess
    expect(definition.holdoutShare).toBe(0.1);
    expect(definition.automatic).toBe(false);
    expect(definition.priority).toBe('non-core');
    expect(definition.escalation).toEqual({ kind: 'none' });
    expect(definition.exitWhen).toEqual({ kind: 'came-back', signals: ['session', 'purchase'] });
    expect(definition.steps[0]).toEqual({ kind: 'send', channels: ['email'], templateId: 't1', offer: { kind: 'none' } });
  });

  it('refuses five sends, naming the steps field', () => {
    // Prepare
    const send: StepInput = { kind: 'send', channels: ['email'], templateId: 't' };
    const wait: StepInput = { kind: 'wait', days: 2 };
    const input = validInput({ steps: [send, wait, send, wait, send, wait, send, wait, send] });

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems.map((problem) => problem.path)).toContain('steps');
    expect(problems.find((problem) => problem.path === 'steps')?.message).toMatch(/at most 4 sends/);
  });

  it('refuses four sends plus an escalation as over the transition budget (3 × 5 + 1 = 16 > 15)', () => {
    // Prepare
    const send: StepInput = { kind: 'send', channels: ['email'], templateId: 't' };
    const wait: StepInput = { kind: 'wait', days: 2 };
    const input = validInput({ steps: [send, wait, send, wait, send, wait, send], escalation: { kind: 'sunset' } });

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems).toEqual([expect.objectContaining({ path: 'escalation', message: expect.stringMatching(/16 state transitions/) })]);
  });

  it('accepts four sends without escalation', () => {
    // Prepare
    const send: StepInput = { kind: 'send', channels: ['email'], templateId: 't' };
    const wait: StepInput = { kind: 'wait', days: 2 };

    // Act
    const definition = parseJourneyDefinition(validInput({ steps: [send, wait, send, wait, send, wait, send] }));

    // Assess
    expect(definition.steps).toHaveLength(7);
  });

  it.each([
    [
      'a zero-day wait',
      [
        { kind: 'send', channels: ['sms'], templateId: 't' },
        { kind: 'wait', days: 0 },
        { kind: 'send', channels: ['sms'], templateId: 't' },
      ],
      'steps[1].days',
    ],
    [
      'a fractional wait',
      [
        { kind: 'send', channels: ['sms'], templateId: 't' },
        { kind: 'wait', days: 1.5 },
        { kind: 'send', channels: ['sms'], templateId: 't' },
      ],
      'steps[1].days',
    ],
    [
      'two waits in a row',
      [
        { kind: 'send', channels: ['sms'], templateId: 't' },
        { kind: 'wait', days: 1 },
        { kind: 'wait', days: 1 },
        { kind: 'send', channels: ['sms'], templateId: 't' },
      ],
      'steps[2]',
    ],
    [
      'a trailing wait',
      [
        { kind: 'send', channels: ['sms'], templateId: 't' },
        { kind: 'wait', days: 1 },
      ],
      'steps[1]',
    ],
    ['an unknown channel', [{ kind: 'send', channels: ['fax'], templateId: 't' }], 'steps[0].channels[0]'],
    ['a repeated channel', [{ kind: 'send', channels: ['sms', 'sms'], templateId: 't' }], 'steps[0].channels'],
    ['a 120% coupon', [{ kind: 'send', channels: ['sms'], templateId: 't', offer: { kind: 'coupon', value: 120, unit: 'percent' } }], 'steps[0].offer.value'],
    ['only waits', [{ kind: 'wait', days: 1 }], 'steps'],
  ])('refuses %s and names %s', (_label, steps, expectedPath) => {
    // Prepare
    const input = { ...validInput(), steps };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems.map((problem) => problem.path)).toContain(expectedPath);
  });

  it('refuses waits longer than the maximum duration', () => {
    // Prepare
    const input = validInput({ maxDurationDays: 2 });

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems).toEqual([expect.objectContaining({ path: 'maxDurationDays' })]);
  });

  it('refuses a hand-over to an earlier tier', () => {
    // Prepare
    const input = validInput({ escalation: { kind: 'hand-over', toTier: 'R2' } });

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems).toEqual([expect.objectContaining({ path: 'escalation.toTier' })]);
  });

  it('lists every problem in the error message', () => {
    // Prepare
    const input = { ...validInput(), id: 'Bad_Id', holdoutShare: 0.9 };

    // Act
    const act = () => parseJourneyDefinition(input);

    // Assess
    expect(act).toThrowError(/id: .*holdoutShare: /);
  });
});

describe('default journeys', () => {
  it('ship one valid journey per tier with the tier strategy of DESIGN.md', () => {
    // Prepare
    const sends = (tier: (typeof RECALL_TIERS)[number]) => DEFAULT_JOURNEYS[tier].steps.flatMap((step) => (step.kind === 'send' ? [step] : []));

    // Act
    const tiers = RECALL_TIERS.map((tier) => DEFAULT_JOURNEYS[tier].tier);

    // Assess
    expect(tiers).toEqual(['R1', 'R2', 'R3', 'R4', 'R5']);
    expect(sends('R1').every((send) => send.offer.kind === 'none')).toBe(true);
    expect(sends('R2').every((send) => send.offer.kind === 'none')).toBe(true);
    expect(sends('R3').some((send) => send.offer.kind === 'coupon')).toBe(true);
    expect(new Set(sends('R4').flatMap((send) => send.channels))).toEqual(new Set(['email', 'sms']));
    expect(DEFAULT_JOURNEYS.R5.escalation).toEqual({ kind: 'sunset' });
    for (const tier of RECALL_TIERS) expect(DEFAULT_JOURNEYS[tier].automatic).toBe(false);
  });

  it('validate again from their authored form (edits are data)', () => {
    // Prepare
    const authored = structuredClone(DEFAULT_JOURNEY_INPUTS.R3);

    // Act
    const parsed = parseJourneyDefinition(authored);

    // Assess
    expect(parsed).toEqual(DEFAULT_JOURNEYS.R3);
  });
});
