/**
 * Automatic recall: a tier-change event from nightly scoring enrolls the user in the standing
 * journey of the new tier, when that journey opted in (`automatic: true`).
 */
import { JourneyInputInvalid } from './errors';
import type { JourneyDefinition, RecallTier } from './journey-definition';

/** A user's tier moved; a null tier means "not slipping". */
export interface TierChange {
  readonly userId: string;
  readonly fromTier: RecallTier | null;
  readonly toTier: RecallTier | null;
}

/**
 * Checks that at most one journey per tier is automatic, so a tier change never has two targets.
 * @throws {JourneyInputInvalid} naming the tier and the competing journeys.
 */
export function assertOneAutomaticJourneyPerTier(definitions: readonly JourneyDefinition[]): void {
  const byTier = new Map<RecallTier, string[]>();
  for (const definition of definitions) {
    if (!definition.automatic || definition.tier === undefined) continue;
    byTier.set(definition.tier, [...(byTier.get(definition.tier) ?? []), definition.id]);
  }
  for (const [tier, ids] of byTier) {
    if (ids.length > 1) throw new JourneyInputInvalid(`Tier ${tier} has more than one automatic journey: ${ids.join(', ')}`);
  }
}

/**
 * The running, automatic journey a tier change enrolls the user in, or undefined when the user left
 * the tiers, did not change tier, or no journey of the new tier opted in. The caller passes only
 * running journeys; enrollment stays idempotent through the execution name.
 */
export function automaticJourneyFor(change: TierChange, runningDefinitions: readonly JourneyDefinition[]): JourneyDefinition | undefined {
  if (change.toTier === null || change.toTier === change.fromTier) return undefined;
  return runningDefinitions.find((definition) => definition.automatic && definition.tier === change.toTier);
}
