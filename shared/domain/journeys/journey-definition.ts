/**
 * Recall journeys as data: what a marketer (or the shipped defaults) declares per tier. Validated
 * with zod at every edge; the budget rules (sends, waits, transitions) are checked here so that an
 * invalid journey never reaches the state machine.
 */
import { z } from 'zod';
import { findVariantProblems } from '../experiments/journey-experiment';
import { RolloutPlan } from '../experiments/rollout';
import { JourneyDefinitionInvalid, type JourneyDefinitionProblem } from './errors';
import { MAX_SENDS_PER_JOURNEY, MAX_TRANSITIONS_PER_ENROLLED_USER, transitionsForPlanSteps } from './transition-budget';

/** Recall tiers, R1 (cooling) to R5 (silent 90+ days). */
export const RecallTier = z.enum(['R1', 'R2', 'R3', 'R4', 'R5']);
export type RecallTier = z.infer<typeof RecallTier>;

/** Every tier in order, for reports and previews that list all tiers. */
export const RECALL_TIERS: readonly RecallTier[] = RecallTier.options;

/** Messaging channels a journey can send on. */
import { Channel as JourneyChannel } from '../common';
export { JourneyChannel };
export { CHANNELS as JOURNEY_CHANNELS } from '../common';

/**
 * Journey ids are lowercase slugs of at most 32 characters: they go into Step Functions execution
 * names (see execution-name.ts), which leaves room for a user id or its hash within 80 characters.
 */
export const JourneyId = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, 'must be 1–32 lowercase letters, digits or inner hyphens');
export type JourneyId = z.infer<typeof JourneyId>;

/** What a send offers: nothing, or a coupon worth a percentage or an amount of currency. */
export const JourneyOffer = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('none') }),
    z.object({
      kind: z.literal('coupon'),
      value: z.number().positive(),
      unit: z.enum(['percent', 'currency']),
    }),
  ])
  .superRefine((offer, context) => {
    if (offer.kind === 'coupon' && offer.unit === 'percent' && offer.value > 100) {
      context.addIssue({ code: 'custom', path: ['value'], message: 'a percent coupon cannot exceed 100' });
    }
  });
export type JourneyOffer = z.infer<typeof JourneyOffer>;

const SendChannels = z
  .array(JourneyChannel)
  .min(1)
  .refine((channels) => new Set(channels).size === channels.length, 'channels must not repeat');
const TemplateId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be a template id (letters, digits, . _ -)');

/**
 * One arm of an A/B/n test on a send step (shared/domain/experiments): what it changes (template,
 * offer, channels, or the days waited before the send) and its weight. Anything left out is the step's own.
 */
export const SendVariant = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,19}$/, 'must be 1–20 lowercase letters, digits or hyphens'),
  weight: z.number().positive().default(1),
  templateId: TemplateId.optional(),
  offer: JourneyOffer.optional(),
  channels: SendChannels.optional(),
  waitDays: z.number().int().min(0).max(60).optional(),
});
export type SendVariant = z.infer<typeof SendVariant>;

/** Send one message on each listed channel the user can be reached on. */
export const SendStep = z.object({
  kind: z.literal('send'),
  channels: SendChannels,
  templateId: TemplateId,
  offer: JourneyOffer.default({ kind: 'none' }),
  /** 2–5 variants, each user assigned one by a stable hash (experiments). */
  variants: z.array(SendVariant).min(2).max(5).optional(),
});
export type SendStep = z.infer<typeof SendStep>;

/**
 * Wait whole days before the next send. At least one day so a journey never sends twice in a row,
 * at most 60 so a forgotten journey does not hold an execution open for months.
 */
export const WaitStep = z.object({
  kind: z.literal('wait'),
  days: z.number().int().min(1).max(60),
});
export type WaitStep = z.infer<typeof WaitStep>;

export const JourneyStep = z.discriminatedUnion('kind', [SendStep, WaitStep]);
export type JourneyStep = z.infer<typeof JourneyStep>;

/** Activity that counts as "came back". */
export const ComebackSignal = z.enum(['session', 'purchase']);
export type ComebackSignal = z.infer<typeof ComebackSignal>;

/** The user leaves the journey as soon as one of these signals happens after enrollment. */
export const JourneyExitCondition = z.object({
  kind: z.literal('came-back'),
  signals: z
    .array(ComebackSignal)
    .min(1)
    .refine((signals) => new Set(signals).size === signals.length, 'signals must not repeat'),
});
export type JourneyExitCondition = z.infer<typeof JourneyExitCondition>;

/**
 * What happens when the journey reaches its maximum duration and the user has not come back:
 * - `none`: the execution simply ends after the last send;
 * - `sunset`: stop marketing to the user (R5's last win-back);
 * - `hand-over`: enroll the user in the standing journey of a later tier.
 * Anything but `none` adds one plan step at the maximum duration (see journey-plan.ts).
 */
export const NoEscalation = z.object({ kind: z.literal('none') });
export const SunsetEscalation = z.object({ kind: z.literal('sunset') });
export const HandOverEscalation = z.object({ kind: z.literal('hand-over'), toTier: RecallTier });
export const JourneyEscalation = z.discriminatedUnion('kind', [NoEscalation, SunsetEscalation, HandOverEscalation]);
export type JourneyEscalation = z.infer<typeof JourneyEscalation>;

const journeyDefinitionShape = z.object({
  id: JourneyId,
  name: z.string().trim().min(1).max(120),
  tier: RecallTier,
  steps: z
    .array(JourneyStep)
    .min(1)
    .max(2 * MAX_SENDS_PER_JOURNEY + 1),
  exitWhen: JourneyExitCondition.default({ kind: 'came-back', signals: ['session', 'purchase'] }),
  escalation: JourneyEscalation.default({ kind: 'none' }),
  maxDurationDays: z.number().int().min(1).max(180),
  /** Share of the audience kept as a never-contacted control group, for lift. */
  holdoutShare: z.number().min(0).max(0.5).default(0.1),
  /** Opt-in: tier-change events from nightly scoring enroll users automatically. */
  automatic: z.boolean().default(false),
  /** Recall is marketing: always non-core, so the kill switch and the STOP flow silence it. */
  priority: z.literal('non-core').default('non-core'),
  /** Staged rollout with guardrails (experiments); absent: everyone treated is contacted at once. */
  rollout: RolloutPlan.optional(),
});

/** A validated recall journey. Parse untrusted input with {@link parseJourneyDefinition}. */
export const JourneyDefinition = journeyDefinitionShape.superRefine((definition, context) => {
  for (const problem of [...findBudgetProblems(definition), ...findVariantProblems(definition)]) {
    context.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  }
});
export type JourneyDefinition = z.infer<typeof JourneyDefinition>;
/** What an author writes: defaults (offer, exit, escalation, holdout, automatic, priority) may be left out. */
export type JourneyDefinitionInput = z.input<typeof JourneyDefinition>;

const TIER_ORDER: Record<RecallTier, number> = { R1: 1, R2: 2, R3: 3, R4: 4, R5: 5 };

/** Number of sends in a definition. */
export function countSends(definition: Pick<JourneyDefinition, 'steps'>): number {
  return definition.steps.filter((step) => step.kind === 'send').length;
}

/** Number of plan steps the definition compiles to: one per send, plus one to escalate. */
export function countPlanSteps(definition: Pick<JourneyDefinition, 'steps' | 'escalation'>): number {
  return countSends(definition) + (definition.escalation.kind === 'none' ? 0 : 1);
}

function findBudgetProblems(definition: z.infer<typeof journeyDefinitionShape>): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const sends = countSends(definition);
  if (sends === 0) problems.push({ path: ['steps'], message: 'a journey needs at least one send' });
  if (sends > MAX_SENDS_PER_JOURNEY) {
    problems.push({
      path: ['steps'],
      message: `a journey has at most ${MAX_SENDS_PER_JOURNEY} sends (found ${sends}) to stay within ${MAX_TRANSITIONS_PER_ENROLLED_USER} state transitions per user`,
    });
  }
  const transitions = transitionsForPlanSteps(countPlanSteps(definition));
  if (sends <= MAX_SENDS_PER_JOURNEY && transitions > MAX_TRANSITIONS_PER_ENROLLED_USER) {
    problems.push({
      path: ['escalation'],
      message: `${sends} sends plus the escalation step take ${transitions} state transitions, over the budget of ${MAX_TRANSITIONS_PER_ENROLLED_USER}: drop a send or the escalation`,
    });
  }

  definition.steps.forEach((step, index) => {
    if (step.kind !== 'wait') return;
    const previous = definition.steps[index - 1];
    if (previous?.kind === 'wait') {
      problems.push({ path: ['steps', index], message: 'two waits in a row: merge them into one' });
    }
    if (index === definition.steps.length - 1) {
      problems.push({ path: ['steps', index], message: 'a journey cannot end with a wait: nothing follows it' });
    }
  });

  const totalWaitDays = definition.steps.reduce((days, step) => days + (step.kind === 'wait' ? step.days : 0), 0);
  if (totalWaitDays > definition.maxDurationDays) {
    problems.push({
      path: ['maxDurationDays'],
      message: `the waits add up to ${totalWaitDays} days, longer than the maximum duration of ${definition.maxDurationDays} days`,
    });
  } else if (definition.escalation.kind !== 'none' && totalWaitDays === definition.maxDurationDays) {
    problems.push({
      path: ['maxDurationDays'],
      message: 'the escalation runs at the maximum duration, which must leave time after the last send',
    });
  }

  if (definition.escalation.kind === 'hand-over' && TIER_ORDER[definition.escalation.toTier] <= TIER_ORDER[definition.tier]) {
    problems.push({
      path: ['escalation', 'toTier'],
      message: `a hand-over goes to a later tier than ${definition.tier}`,
    });
  }
  return problems;
}

/** Formats a zod issue path as `steps[2].channels[0]`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    const name = String(segment);
    return text === '' ? name : `${text}.${name}`;
  }, '');
}

/** Turns zod issues into problems that name the field path. */
export function problemsFromZodError(error: z.ZodError): JourneyDefinitionProblem[] {
  return error.issues.map((issue) => ({ index: null, path: formatIssuePath(issue.path), message: issue.message }));
}

/**
 * Validates untrusted input (an API body, a CLI file, stored data) as a journey definition.
 * @throws {JourneyDefinitionInvalid} listing every problem with its field path.
 */
export function parseJourneyDefinition(input: unknown): JourneyDefinition {
  const result = JourneyDefinition.safeParse(input);
  if (!result.success) throw new JourneyDefinitionInvalid(problemsFromZodError(result.error), { cause: result.error });
  return result.data;
}
