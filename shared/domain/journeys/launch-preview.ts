/**
 * The dry run a marketer sees before launching: who is reached, who is held out, how many messages
 * go out and what it costs. Pure: it takes the matched users and the prices as data.
 */
import { z } from 'zod';
import type { ScoredUser, UserReach } from './audience';

/** What a preview counts of a matched user: who, which tier, and how they can be reached. */
export type PreviewedUser = Pick<ScoredUser, 'userId' | 'tier'> & UserReach;
import { isInHoldout } from './holdout';
import { JOURNEY_CHANNELS, RECALL_TIERS, type JourneyChannel, type JourneyDefinition, type RecallTier } from './journey-definition';
import { compileJourneyPlan, estimatePlanTransitions } from './journey-plan';

/**
 * Unit prices in USD, us-east-1 list prices. Sources:
 * - Step Functions Standard: 0.025 per 1,000 state transitions (aws.amazon.com/step-functions/pricing).
 * - Lambda: 0.20 per million requests, 0.0000166667 per GB-second on x86 (aws.amazon.com/lambda/pricing).
 * - DynamoDB on-demand: 0.625 per million write request units, 0.125 per million read request units
 *   (aws.amazon.com/dynamodb/pricing/on-demand).
 * - SQS standard: 0.40 per million requests (aws.amazon.com/sqs/pricing).
 * - SES: 0.10 per 1,000 emails (aws.amazon.com/ses/pricing).
 * - SMS: 0.00645 per outbound message to the US, through AWS End User Messaging / SNS
 *   (aws.amazon.com/end-user-messaging/pricing); other countries differ a lot: configure it.
 * - Mobile push through SNS: 0.50 per million notifications (aws.amazon.com/sns/pricing).
 */
export const CostPrices = z.object({
  stepFunctionsUsdPerThousandTransitions: z.number().min(0),
  lambdaUsdPerMillionRequests: z.number().min(0),
  lambdaUsdPerGbSecond: z.number().min(0),
  dynamoDbUsdPerMillionWriteUnits: z.number().min(0),
  dynamoDbUsdPerMillionReadUnits: z.number().min(0),
  sqsUsdPerMillionRequests: z.number().min(0),
  messageUsd: z.object({ email: z.number().min(0), sms: z.number().min(0), push: z.number().min(0) }),
});
export type CostPrices = z.infer<typeof CostPrices>;

export const DEFAULT_COST_PRICES: CostPrices = {
  stepFunctionsUsdPerThousandTransitions: 0.025,
  lambdaUsdPerMillionRequests: 0.2,
  lambdaUsdPerGbSecond: 0.0000166667,
  dynamoDbUsdPerMillionWriteUnits: 0.625,
  dynamoDbUsdPerMillionReadUnits: 0.125,
  sqsUsdPerMillionRequests: 0.4,
  messageUsd: { email: 0.0001, sms: 0.00645, push: 0.0000005 },
};

/**
 * How much work the implementation does per user; estimates, to be kept in line with the
 * adapters. Defaults:
 * - per enrollment (holdout included): the member item and the enrollment record, written in one
 *   transaction so each is written only if absent (2 items × 2 WRU) and, through the launch queue
 *   in batches of ten, 0.3 SQS requests (send, receive, delete) and 0.1 consumer invocations;
 * - per plan step of a treated user: one `CheckExitAndSend` invocation of 300 ms at 256 MB, 2 RRU
 *   (profile activity for the exit check, journey status with the kill switch) and 2 WRU (the
 *   per-step idempotency record and the decision log).
 */
export const CostAssumptions = z.object({
  writeUnitsPerEnrollment: z.number().min(0),
  sqsRequestsPerEnrollment: z.number().min(0),
  launchInvocationsPerEnrollment: z.number().min(0),
  writeUnitsPerStep: z.number().min(0),
  readUnitsPerStep: z.number().min(0),
  taskDurationMs: z.number().min(0),
  taskMemoryMb: z.number().min(128),
});
export type CostAssumptions = z.infer<typeof CostAssumptions>;

export const DEFAULT_COST_ASSUMPTIONS: CostAssumptions = {
  writeUnitsPerEnrollment: 4,
  sqsRequestsPerEnrollment: 0.3,
  launchInvocationsPerEnrollment: 0.1,
  writeUnitsPerStep: 2,
  readUnitsPerStep: 2,
  taskDurationMs: 300,
  taskMemoryMb: 256,
};

/** Why a matched user cannot be enrolled: the contact policy's launch-time part. */
export type UnreachableReason = 'unsubscribed' | 'sunset' | 'no-reachable-channel';

/** Tier key of a preview row: users matched without a tier are counted apart. */
export type PreviewTierKey = RecallTier | 'untiered';

/** Reachable users split three ways: already members (left as they are), holdout and treatment (enrolled). */
export interface TierPreview {
  matched: number;
  reachable: number;
  alreadyEnrolled: number;
  holdout: number;
  treatment: number;
}

export type PerChannel<T> = Record<JourneyChannel, T>;

/** The dry-run answer for a launch. Message counts and costs assume nobody exits early: an upper bound. */
export interface JourneyLaunchPreview {
  journeyId: string;
  matched: number;
  unreachable: Record<UnreachableReason, number>;
  reachable: number;
  /** Reachable users already members of the journey: a launch keeps their enrollment and costs nothing more. */
  alreadyEnrolled: number;
  holdout: number;
  treatment: number;
  perTier: Record<PreviewTierKey, TierPreview>;
  transitionsPerTreatedUser: number;
  expectedMessages: PerChannel<number> & { total: number };
  usage: {
    stateTransitions: number;
    lambdaInvocations: number;
    lambdaGbSeconds: number;
    dynamoDbWriteUnits: number;
    dynamoDbReadUnits: number;
    sqsRequests: number;
  };
  costUsd: {
    stepFunctions: number;
    lambda: number;
    dynamoDb: number;
    sqs: number;
    aws: number;
    messaging: PerChannel<number>;
    messagingTotal: number;
    total: number;
  };
}

/** Channels on which the contact policy lets us reach the user, before quiet hours and budgets. */
export function reachableChannels(user: UserReach): JourneyChannel[] {
  if (user.unsubscribed || user.sunset) return [];
  return JOURNEY_CHANNELS.filter((channel) => user.consents[channel] && !user.suppressed[channel]);
}

function unreachableReason(user: UserReach, journeyChannels: ReadonlySet<JourneyChannel>): UnreachableReason | undefined {
  if (user.unsubscribed) return 'unsubscribed';
  if (user.sunset) return 'sunset';
  return reachableChannels(user).some((channel) => journeyChannels.has(channel)) ? undefined : 'no-reachable-channel';
}

function emptyTierPreview(): TierPreview {
  return { matched: 0, reachable: 0, alreadyEnrolled: 0, holdout: 0, treatment: 0 };
}

/** Counts of matched users in a tier's row. */
const TierPreviewCounts = z.object({
  matched: z.number().int().min(0),
  reachable: z.number().int().min(0),
  alreadyEnrolled: z.number().int().min(0),
  holdout: z.number().int().min(0),
  treatment: z.number().int().min(0),
});

const count = z.number().int().min(0);

/**
 * What a preview counts, user by user: sums over any split of the matched users (the exact
 * count's scan pages add up to the same counts as one pass), priced only at the end.
 */
export const PreviewCounts = z.object({
  matched: count,
  unreachable: z.object({ unsubscribed: count, sunset: count, 'no-reachable-channel': count }),
  alreadyEnrolled: count,
  holdout: count,
  treatment: count,
  perTier: z.object({
    R1: TierPreviewCounts,
    R2: TierPreviewCounts,
    R3: TierPreviewCounts,
    R4: TierPreviewCounts,
    R5: TierPreviewCounts,
    untiered: TierPreviewCounts,
  }),
  messages: z.object({ email: count, sms: count, push: count }),
});
export type PreviewCounts = z.infer<typeof PreviewCounts>;

export function emptyPreviewCounts(): PreviewCounts {
  return {
    matched: 0,
    unreachable: { unsubscribed: 0, sunset: 0, 'no-reachable-channel': 0 },
    alreadyEnrolled: 0,
    holdout: 0,
    treatment: 0,
    perTier: Object.fromEntries([...RECALL_TIERS, 'untiered' as const].map((tier) => [tier, emptyTierPreview()])) as Record<PreviewTierKey, TierPreview>,
    messages: { email: 0, sms: 0, push: 0 },
  };
}

const sumRecord = <K extends string>(a: Record<K, number>, b: Record<K, number>): Record<K, number> =>
  Object.fromEntries(Object.keys(a).map((key) => [key, a[key as K] + b[key as K]])) as Record<K, number>;

export function addPreviewCounts(a: PreviewCounts, b: PreviewCounts): PreviewCounts {
  return {
    matched: a.matched + b.matched,
    unreachable: sumRecord(a.unreachable, b.unreachable),
    alreadyEnrolled: a.alreadyEnrolled + b.alreadyEnrolled,
    holdout: a.holdout + b.holdout,
    treatment: a.treatment + b.treatment,
    perTier: Object.fromEntries(
      Object.keys(a.perTier).map((tier) => [tier, sumRecord(a.perTier[tier as PreviewTierKey], b.perTier[tier as PreviewTierKey])]),
    ) as Record<PreviewTierKey, TierPreview>,
    messages: sumRecord(a.messages, b.messages),
  };
}

/**
 * Counts already matched users for a launch of `definition`. Unreachable users are left out of
 * both groups, and so are `members` (ids of users already enrolled in the journey, who keep that
 * enrollment); then the holdout is drawn among the rest, so treatment and holdout come from the
 * same population and the lift compares like with like.
 */
export function countPreview(definition: JourneyDefinition, matchedUsers: Iterable<PreviewedUser>, members: ReadonlySet<string> = new Set()): PreviewCounts {
  const sendSteps = compileJourneyPlan(definition).steps.flatMap((step) => (step.kind === 'send' ? [step] : []));
  const journeyChannels = new Set(sendSteps.flatMap((step) => step.channels));
  const counts = emptyPreviewCounts();
  for (const user of matchedUsers) {
    counts.matched += 1;
    const tierRow = counts.perTier[user.tier ?? 'untiered'];
    tierRow.matched += 1;
    const reason = unreachableReason(user, journeyChannels);
    if (reason !== undefined) {
      counts.unreachable[reason] += 1;
      continue;
    }
    tierRow.reachable += 1;
    if (members.has(user.userId)) {
      counts.alreadyEnrolled += 1;
      tierRow.alreadyEnrolled += 1;
      continue;
    }
    if (isInHoldout(definition.id, user.userId, definition.holdoutShare)) {
      counts.holdout += 1;
      tierRow.holdout += 1;
      continue;
    }
    counts.treatment += 1;
    tierRow.treatment += 1;
    const userChannels = new Set(reachableChannels(user));
    for (const step of sendSteps) for (const channel of step.channels) if (userChannels.has(channel)) counts.messages[channel] += 1;
  }
  return counts;
}

/** The preview of counted users: the counts, their messages and the launch's price. */
export function previewFromCounts(
  definition: JourneyDefinition,
  counts: PreviewCounts,
  prices: CostPrices = DEFAULT_COST_PRICES,
  assumptions: CostAssumptions = DEFAULT_COST_ASSUMPTIONS,
): JourneyLaunchPreview {
  const { matched, unreachable, alreadyEnrolled, holdout, treatment, perTier, messages } = counts;
  const { transitionsPerTreatedUser, usage, costUsd } = priceLaunch(definition, { enrolled: holdout + treatment, treatment, messages }, prices, assumptions);
  return {
    journeyId: definition.id,
    matched,
    unreachable,
    reachable: alreadyEnrolled + holdout + treatment,
    alreadyEnrolled,
    holdout,
    treatment,
    perTier,
    transitionsPerTreatedUser,
    expectedMessages: { ...messages, total: messages.email + messages.sms + messages.push },
    usage,
    costUsd,
  };
}

/** Previews a launch of `definition` on already matched users in one pass (see {@link countPreview}). */
export function previewJourneyLaunch(
  definition: JourneyDefinition,
  matchedUsers: Iterable<PreviewedUser>,
  members: ReadonlySet<string> = new Set(),
  prices: CostPrices = DEFAULT_COST_PRICES,
  assumptions: CostAssumptions = DEFAULT_COST_ASSUMPTIONS,
): JourneyLaunchPreview {
  return previewFromCounts(definition, countPreview(definition, matchedUsers, members), prices, assumptions);
}

/**
 * What a launch costs from its counts: the enrolled users (holdout included), the treated ones and
 * the messages they are sent; usage per the assumptions, priced per the prices.
 */
export function priceLaunch(
  definition: JourneyDefinition,
  counts: { enrolled: number; treatment: number; messages: PerChannel<number> },
  prices: CostPrices = DEFAULT_COST_PRICES,
  assumptions: CostAssumptions = DEFAULT_COST_ASSUMPTIONS,
): Pick<JourneyLaunchPreview, 'transitionsPerTreatedUser' | 'usage' | 'costUsd'> {
  const plan = compileJourneyPlan(definition);
  const { enrolled, treatment, messages } = counts;
  const transitionsPerTreatedUser = estimatePlanTransitions(plan);
  const taskInvocations = treatment * plan.steps.length;
  const usage = {
    stateTransitions: treatment * transitionsPerTreatedUser,
    lambdaInvocations: taskInvocations + enrolled * assumptions.launchInvocationsPerEnrollment,
    lambdaGbSeconds: taskInvocations * (assumptions.taskDurationMs / 1000) * (assumptions.taskMemoryMb / 1024),
    dynamoDbWriteUnits: enrolled * assumptions.writeUnitsPerEnrollment + taskInvocations * assumptions.writeUnitsPerStep,
    dynamoDbReadUnits: taskInvocations * assumptions.readUnitsPerStep,
    sqsRequests: enrolled * assumptions.sqsRequestsPerEnrollment,
  };
  const stepFunctions = (usage.stateTransitions / 1000) * prices.stepFunctionsUsdPerThousandTransitions;
  const lambda = (usage.lambdaInvocations / 1_000_000) * prices.lambdaUsdPerMillionRequests + usage.lambdaGbSeconds * prices.lambdaUsdPerGbSecond;
  const dynamoDb =
    (usage.dynamoDbWriteUnits / 1_000_000) * prices.dynamoDbUsdPerMillionWriteUnits +
    (usage.dynamoDbReadUnits / 1_000_000) * prices.dynamoDbUsdPerMillionReadUnits;
  const sqs = (usage.sqsRequests / 1_000_000) * prices.sqsUsdPerMillionRequests;
  const aws = stepFunctions + lambda + dynamoDb + sqs;
  const messaging: PerChannel<number> = {
    email: messages.email * prices.messageUsd.email,
    sms: messages.sms * prices.messageUsd.sms,
    push: messages.push * prices.messageUsd.push,
  };
  const messagingTotal = messaging.email + messaging.sms + messaging.push;
  return { transitionsPerTreatedUser, usage, costUsd: { stepFunctions, lambda, dynamoDb, sqs, aws, messaging, messagingTotal, total: aws + messagingTotal } };
}
