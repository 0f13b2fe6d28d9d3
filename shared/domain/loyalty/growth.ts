import { z } from 'zod';
import { assertNever, Locale } from '../common';
import { LedgerContentionError, LedgerStoreContractError } from './errors';
import { ledgerEntryIds, rewardIds } from './ids';
import type { AdjustmentEntry, GrantEntry } from './ledger';
import type { GrowthLevelChangePublisher, LedgerStore, LevelChangeLog } from './ports';

/** One rung of the growth ladder: its id, its name in each locale, where it starts, its perks. */
export const GrowthLevel = z.object({
  /** Stable id (API, events, CLI); `names` is what users read. */
  name: z.string().min(1),
  minGrowth: z.number().int().nonnegative(),
  names: z.record(Locale, z.string().min(1)).optional(),
  /** What the level gives, in words the app shows (free shipping, priority support…). */
  perks: z.array(z.string().min(1)).default([]),
});
export type GrowthLevel = z.infer<typeof GrowthLevel>;

/**
 * The growth ladder, lowest first. The first level starts at 0 so every user has a level;
 * thresholds strictly increase. Default: the brief's 新手村 → 成长区 → 专家殿堂, newcomer village
 * (`newcomer`, from 0), growth zone (`growth`, from 300) and, at the top, the expert hall (`vip`,
 * from 1,000 growth points). The ladder is configuration (the `growthLadder` setting). A level-up
 * tells the user through the one send path, as a `core` or `non-core` message, or not at all.
 */
export const GrowthConfig = z.object({
  levels: z
    .array(GrowthLevel)
    .min(1)
    .refine((levels) => levels[0]?.minGrowth === 0, { message: 'the first level must start at 0' })
    .refine((levels) => levels.every((level, index) => index === 0 || level.minGrowth > (levels[index - 1]?.minGrowth ?? 0)), {
      message: 'level thresholds must strictly increase',
    })
    .default([
      { name: 'newcomer', minGrowth: 0, names: { 'zh-CN': '新手村', en: 'Newcomer village' }, perks: [] },
      { name: 'growth', minGrowth: 300, names: { 'zh-CN': '成长区', en: 'Growth zone' }, perks: ['birthday points'] },
      { name: 'vip', minGrowth: 1000, names: { 'zh-CN': '专家殿堂', en: 'Expert hall (VIP)' }, perks: ['priority support', 'members-only offers'] },
    ]),
  levelUpMessage: z.enum(['core', 'non-core', 'off']).default('non-core'),
});
export type GrowthConfig = z.infer<typeof GrowthConfig>;

/** A purchase or a refund as the growth rules need it (validated upstream at ingest). */
export const GrowthEvent = z.object({
  kind: z.enum(['purchase', 'refund']),
  /** The ingest event id: growth from one event is counted once. */
  eventId: z.string().min(1),
  userId: z.string().min(1),
  /** In major currency units, positive for both kinds. */
  amount: z.number().positive(),
  currency: z.string().length(3),
  occurredAt: z.iso.datetime(),
});
export type GrowthEvent = z.infer<typeof GrowthEvent>;

/** Emitted when a user's growth moves them to another level. */
export interface GrowthLevelChanged {
  readonly kind: 'growth-level-changed';
  /** Deterministic: derived from the ledger entry that caused the change. */
  readonly eventId: string;
  readonly userId: string;
  readonly from: string;
  readonly to: string;
  readonly direction: 'up' | 'down';
  readonly growth: number;
  readonly occurredAt: string;
}

/**
 * Growth points for an amount of money: 1 per whole currency unit, fractions dropped (12.99 →
 * 12), whatever the currency. Dropping rather than rounding means a purchase followed by its
 * full refund always nets to zero.
 */
export function growthPointsFor(amount: number): number {
  return Math.floor(amount);
}

/** The ladder's level with this id (the lowest when unknown: a level removed from the configuration). */
export function growthLevelNamed(name: string, config: GrowthConfig): GrowthLevel {
  return config.levels.find((level) => level.name === name) ?? config.levels[0]!;
}

/** Id of the level a growth value falls in. */
export function growthLevelOf(growth: number, config: GrowthConfig): string {
  let current = config.levels[0]?.name ?? 'newcomer';
  for (const level of config.levels) if (growth >= level.minGrowth) current = level.name;
  return current;
}

/** The level-change event between two growth values, or `undefined` if the level is the same. */
export function growthLevelChange(input: {
  readonly userId: string;
  readonly before: number;
  readonly after: number;
  readonly causedByEntryId: string;
  readonly occurredAt: string;
  readonly config: GrowthConfig;
}): GrowthLevelChanged | undefined {
  const from = growthLevelOf(input.before, input.config);
  const to = growthLevelOf(input.after, input.config);
  if (from === to) return undefined;
  return {
    kind: 'growth-level-changed',
    eventId: rewardIds.levelChange(input.userId, input.causedByEntryId),
    userId: input.userId,
    from,
    to,
    direction: input.after > input.before ? 'up' : 'down',
    growth: input.after,
    occurredAt: input.occurredAt,
  };
}

/** The growth grant for a purchase; `undefined` below one currency unit. */
export function purchaseGrowthEntry(purchase: GrowthEvent): GrantEntry | undefined {
  const amount = growthPointsFor(purchase.amount);
  if (amount <= 0) return undefined;
  return {
    kind: 'grant',
    id: ledgerEntryIds.purchaseGrowth(purchase.userId, purchase.eventId),
    userId: purchase.userId,
    account: 'growth',
    reason: 'purchase-growth',
    amount,
    occurredAt: purchase.occurredAt,
  };
}

/**
 * The growth reversal for a refund, clamped so growth never goes below zero (a refund larger
 * than the growth left takes what is left). Append it with the version of `currentGrowth`.
 */
export function refundGrowthEntry(refund: GrowthEvent, currentGrowth: number): AdjustmentEntry {
  return {
    kind: 'adjustment',
    id: ledgerEntryIds.refundGrowth(refund.userId, refund.eventId),
    userId: refund.userId,
    account: 'growth',
    reason: 'refund',
    delta: -Math.min(growthPointsFor(refund.amount), currentGrowth),
    reference: refund.eventId,
    occurredAt: refund.occurredAt,
  };
}

/** Result of counting one purchase or refund towards growth. */
export type GrowthOutcome =
  | { readonly kind: 'growth-changed'; readonly growth: number; readonly levelChange: GrowthLevelChanged | undefined }
  /** This event was counted before (a duplicate delivery): nothing changed. */
  | { readonly kind: 'already-counted' }
  /** A purchase under one currency unit: no growth. */
  | { readonly kind: 'no-growth' };

const MAX_REFUND_ATTEMPTS = 5;

/**
 * Counts a purchase or refund towards the user's growth, exactly once per event id, and says
 * whether the level changed. A purchase is a plain grant; a refund is clamped against the
 * current growth, so it is appended conditionally on the growth version it read and retried
 * when a concurrent event moved it.
 * @throws LedgerContentionError when the growth kept moving for every attempt.
 */
export async function recordGrowthEvent(ledger: LedgerStore, event: GrowthEvent, config: GrowthConfig): Promise<GrowthOutcome> {
  switch (event.kind) {
    case 'purchase': {
      const entry = purchaseGrowthEntry(event);
      if (!entry) return { kind: 'no-growth' };
      const outcome = await ledger.append(entry);
      switch (outcome.kind) {
        case 'appended':
          return changed(event, entry.id, outcome.balance.amount - entry.amount, outcome.balance.amount, config);
        case 'already-granted':
          return { kind: 'already-counted' };
        case 'insufficient-balance':
        case 'balance-version-mismatch':
        case 'cap-reached':
          // A grant neither debits nor carries an expected version or a cap: a store answering this is broken.
          throw new LedgerStoreContractError(entry.id, outcome.kind);
        default:
          return assertNever(outcome);
      }
    }
    case 'refund': {
      for (let attempt = 1; attempt <= MAX_REFUND_ATTEMPTS; attempt += 1) {
        const current = await ledger.balance(event.userId, 'growth');
        const entry = refundGrowthEntry(event, current.amount);
        const outcome = await ledger.append(entry, { expectedBalanceVersion: current.version });
        switch (outcome.kind) {
          case 'appended':
            return changed(event, entry.id, current.amount, outcome.balance.amount, config);
          case 'already-granted':
            return { kind: 'already-counted' };
          case 'insufficient-balance':
          case 'balance-version-mismatch':
            continue;
          case 'cap-reached':
            throw new LedgerStoreContractError(entry.id, outcome.kind);
          default:
            return assertNever(outcome);
        }
      }
      throw new LedgerContentionError(event.userId, MAX_REFUND_ATTEMPTS);
    }
    default:
      return assertNever(event.kind);
  }
}

function changed(event: GrowthEvent, entryId: string, before: number, after: number, config: GrowthConfig): GrowthOutcome {
  return {
    kind: 'growth-changed',
    growth: after,
    levelChange: growthLevelChange({
      userId: event.userId,
      before,
      after,
      causedByEntryId: entryId,
      occurredAt: event.occurredAt,
      config,
    }),
  };
}

/** Id of the ledger entry a purchase or refund makes (the cause named in its level change). */
export function growthEntryIdOf(event: Pick<GrowthEvent, 'kind' | 'userId' | 'eventId'>): string {
  switch (event.kind) {
    case 'purchase':
      return ledgerEntryIds.purchaseGrowth(event.userId, event.eventId);
    case 'refund':
      return ledgerEntryIds.refundGrowth(event.userId, event.eventId);
    default:
      return assertNever(event.kind);
  }
}

/**
 * Counts a purchase or refund towards growth and publishes the level change it causes, at least
 * once: the change is recorded, published, then marked published. A redelivered event that
 * finds its change recorded but unpublished (the first attempt failed in between) publishes it.
 */
export async function countGrowthAndPublish(
  ports: { readonly ledger: LedgerStore; readonly levelChanges: LevelChangeLog; readonly publisher: GrowthLevelChangePublisher },
  event: GrowthEvent,
  config: GrowthConfig,
): Promise<GrowthOutcome> {
  const outcome = await recordGrowthEvent(ports.ledger, event, config);
  let pending: GrowthLevelChanged | undefined;
  if (outcome.kind === 'growth-changed' && outcome.levelChange) {
    await ports.levelChanges.record(outcome.levelChange);
    pending = outcome.levelChange;
  } else if (outcome.kind === 'already-counted') {
    pending = await ports.levelChanges.unpublished(event.userId, rewardIds.levelChange(event.userId, growthEntryIdOf(event)));
  }
  if (pending) {
    await ports.publisher.publish(pending);
    await ports.levelChanges.markPublished(pending);
  }
  return outcome;
}
