/**
 * Recall journeys as data: what a marketer (or the shipped defaults) declares per tier. Validated
 * with zod at every edge; the budget rules (sends, waits, transitions) are checked here so that an
 * invalid journey never reaches the state machine.
 */
import { z } from 'zod';
import { findVariantProblems } from '../experiments/journey-experiment';
import { RolloutPlan } from '../experiments/rollout';
import { JourneyDefinitionInvalid, type JourneyDefinitionProblem } from './errors';
import { BranchCondition, EventMatch, JourneyEntry, ReentryPolicy } from './lifecycle';
import { MAX_SENDS_PER_JOURNEY, MAX_TRANSITIONS_PER_ENROLLED_USER, TRANSITIONS_PER_BRANCH, transitionsForPlanSteps } from './transition-budget';

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

const MAX_STEPS_PER_LIST = 2 * MAX_SENDS_PER_JOURNEY + 1;

/**
 * Branch on a condition when the step comes due (a Choice state decides): `then` when it holds,
 * `else` when not (or when the fact is unknown, e.g. a user not scored yet). Each side runs to the
 * end of the journey, so a branch is the last step of its list.
 */
export const BranchStep = z.object({
  kind: z.literal('branch'),
  if: BranchCondition,
  get then(): z.ZodArray<typeof JourneyStep> {
    return z.array(JourneyStep).min(1).max(MAX_STEPS_PER_LIST);
  },
  get else(): z.ZodArray<typeof JourneyStep> {
    return z.array(JourneyStep).min(1).max(MAX_STEPS_PER_LIST);
  },
});
export type BranchStep = z.infer<typeof BranchStep>;

export const JourneyStep = z.discriminatedUnion('kind', [SendStep, WaitStep, BranchStep]);
export type JourneyStep = z.infer<typeof JourneyStep>;

/** Activity that counts as "came back". */
export const ComebackSignal = z.enum(['session', 'purchase']);
export type ComebackSignal = z.infer<typeof ComebackSignal>;

/**
 * The user leaves the journey as soon as this happens after enrollment: one of the come-back
 * signals (recall), or an event (lifecycle: leave when the user does X, e.g. a second purchase).
 */
export const JourneyExitCondition = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('came-back'),
    signals: z
      .array(ComebackSignal)
      .min(1)
      .refine((signals) => new Set(signals).size === signals.length, 'signals must not repeat'),
  }),
  z.object({ kind: z.literal('event'), event: EventMatch }),
]);
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
  /** The recall tier an audience journey is for; a lifecycle journey (entered by an event) has none. */
  tier: RecallTier.optional(),
  /** How users come in: an audience launched by a marketer (recall), or a behaviour event (lifecycle). */
  entry: JourneyEntry.default({ kind: 'audience' }),
  /** Whether a user may enter again after leaving; never by default. */
  reentry: ReentryPolicy.default({ kind: 'never' }),
  steps: z.array(JourneyStep).min(1).max(MAX_STEPS_PER_LIST),
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

/** Every send step, on every side of every branch. */
export function sendStepsOf(steps: readonly JourneyStep[]): SendStep[] {
  return steps.flatMap((step) => (step.kind === 'send' ? [step] : step.kind === 'branch' ? [...sendStepsOf(step.then), ...sendStepsOf(step.else)] : []));
}

/** Every way through the steps, from the first to an end: one per side of each branch. */
export function pathsThrough(steps: readonly JourneyStep[]): JourneyStep[][] {
  const last = steps.at(-1);
  if (last?.kind !== 'branch') return [[...steps]];
  const before = steps.slice(0, -1);
  return [...pathsThrough(last.then), ...pathsThrough(last.else)].map((path) => [...before, last, ...path]);
}

/** Number of sends in a definition: on its longest way through, when it branches. */
export function countSends(definition: Pick<JourneyDefinition, 'steps'>): number {
  return Math.max(...pathsThrough(definition.steps).map((path) => path.filter((step) => step.kind === 'send').length));
}

/** Number of plan steps the definition compiles to on its longest way: one per send, plus one to escalate. */
export function countPlanSteps(definition: Pick<JourneyDefinition, 'steps' | 'escalation'>): number {
  return countSends(definition) + (definition.escalation.kind === 'none' ? 0 : 1);
}

/** The state transitions of the most expensive way through: 3 per send (and escalation), 5 per branch, 1 to end. */
export function maxTransitions(definition: Pick<JourneyDefinition, 'steps' | 'escalation'>): number {
  const escalation = definition.escalation.kind === 'none' ? 0 : 1;
  return Math.max(
    ...pathsThrough(definition.steps).map((path) => {
      const sends = path.filter((step) => step.kind === 'send').length;
      const branches = path.filter((step) => step.kind === 'branch').length;
      return transitionsForPlanSteps(sends + escalation) + TRANSITIONS_PER_BRANCH * branches;
    }),
  );
}

function findBudgetProblems(definition: z.infer<typeof journeyDefinitionShape>): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const paths = pathsThrough(definition.steps);
  const branches = paths.some((path) => path.some((step) => step.kind === 'branch'));
  const sendsPerPath = paths.map((path) => path.filter((step) => step.kind === 'send').length);
  const sends = Math.max(...sendsPerPath);
  if (Math.min(...sendsPerPath) === 0)
    problems.push({ path: ['steps'], message: branches ? 'every side of a branch needs a send on its way' : 'a journey needs at least one send' });
  if (sends > MAX_SENDS_PER_JOURNEY) {
    problems.push({
      path: ['steps'],
      message: `a journey has at most ${MAX_SENDS_PER_JOURNEY} sends (found ${sends}) to stay within ${MAX_TRANSITIONS_PER_ENROLLED_USER} state transitions per user`,
    });
  }
  const transitions = maxTransitions(definition);
  if (sends <= MAX_SENDS_PER_JOURNEY && transitions > MAX_TRANSITIONS_PER_ENROLLED_USER) {
    problems.push({
      path: [branches ? 'steps' : 'escalation'],
      message: branches
        ? `the longest way through takes ${transitions} state transitions (3 per send, ${TRANSITIONS_PER_BRANCH} per branch), over the budget of ${MAX_TRANSITIONS_PER_ENROLLED_USER}: drop a send or a branch`
        : `${sends} sends plus the escalation step take ${transitions} state transitions, over the budget of ${MAX_TRANSITIONS_PER_ENROLLED_USER}: drop a send or the escalation`,
    });
  }
  findListProblems(definition.steps, ['steps'], problems);

  const delayDays = definition.entry.kind === 'event' ? definition.entry.delayDays : 0;
  const totalWaitDays = delayDays + Math.max(...paths.map((path) => path.reduce((days, step) => days + (step.kind === 'wait' ? step.days : 0), 0)));
  if (totalWaitDays > definition.maxDurationDays) {
    problems.push({
      path: ['maxDurationDays'],
      message: `the ${delayDays > 0 ? 'entry delay and the ' : ''}waits add up to ${totalWaitDays} days, longer than the maximum duration of ${definition.maxDurationDays} days`,
    });
  } else if (definition.escalation.kind !== 'none' && totalWaitDays === definition.maxDurationDays) {
    problems.push({
      path: ['maxDurationDays'],
      message: 'the escalation runs at the maximum duration, which must leave time after the last send',
    });
  }
  if (branches && definition.escalation.kind !== 'none') problems.push({ path: ['escalation'], message: 'a journey with branches cannot escalate' });

  if (definition.entry.kind === 'audience' && definition.tier === undefined)
    problems.push({ path: ['tier'], message: 'a journey entered by an audience is for a recall tier' });
  if (definition.entry.kind === 'event' && definition.automatic)
    problems.push({ path: ['automatic'], message: 'a journey entered by an event is not enrolled automatically by tier' });
  if (definition.escalation.kind === 'hand-over') {
    if (definition.tier === undefined) problems.push({ path: ['escalation'], message: 'a hand-over goes from a recall tier to a later one: set tier' });
    else if (TIER_ORDER[definition.escalation.toTier] <= TIER_ORDER[definition.tier]) {
      problems.push({ path: ['escalation', 'toTier'], message: `a hand-over goes to a later tier than ${definition.tier}` });
    }
  }
  return problems;
}

/** Waits and branches within one list of steps (the journey's, or one side of a branch). */
function findListProblems(steps: readonly JourneyStep[], at: (string | number)[], problems: { path: (string | number)[]; message: string }[]): void {
  steps.forEach((step, index) => {
    if (step.kind === 'branch') {
      if (index !== steps.length - 1) problems.push({ path: [...at, index], message: 'a branch is the last step of its list: each side runs to the end' });
      findListProblems(step.then, [...at, index, 'then'], problems);
      findListProblems(step.else, [...at, index, 'else'], problems);
      return;
    }
    if (step.kind !== 'wait') return;
    if (steps[index - 1]?.kind === 'wait') problems.push({ path: [...at, index], message: 'two waits in a row: merge them into one' });
    if (index === steps.length - 1) problems.push({ path: [...at, index], message: 'a journey cannot end with a wait: nothing follows it' });
  });
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
