import { MS_PER_DAY } from '../clock';
import type { Channel, Priority } from './channel';
import type { ContactPolicyConfig } from './contact-policy-config';
import type { ContactProfile } from './contact-profile';
import type { ContactRecord } from './contact-record';

type DisturbanceConfig = ContactPolicyConfig['disturbance'];
type ContactBudget = DisturbanceConfig['standard'];

const MS_PER_HOUR = 3_600_000;
const WEEK_MS = 7 * MS_PER_DAY;

/** How much one contact disturbs, before decay: channel weight, scaled down for core messages. */
export function contactWeight(channel: Channel, priority: Priority, config: DisturbanceConfig): number {
  const channelWeight = config.channelWeights[channel];
  return priority === 'core' ? channelWeight * config.coreContactFactor : channelWeight;
}

/**
 * The disturbance index at `now`: each past contact's weight, halved every `halfLifeHours`. A
 * contact yesterday still counts most of its weight, one two weeks ago almost nothing, so the index
 * measures how bothered the user feels now rather than a count in an arbitrary window.
 * Contacts after `now` (clock skew) count in full rather than more than full.
 */
export function disturbanceIndex(history: readonly ContactRecord[], now: Date, config: DisturbanceConfig): number {
  const halfLifeMs = config.halfLifeHours * MS_PER_HOUR;
  let index = 0;
  for (const contact of history) {
    const ageMs = Math.max(0, now.getTime() - Date.parse(contact.at));
    index += contactWeight(contact.channel, contact.priority, config) * 0.5 ** (ageMs / halfLifeMs);
  }
  return index;
}

/** How far back the history must reach: the weekly cap's window, or until decay makes it noise. */
export function contactHistoryLookbackMs(config: DisturbanceConfig): number {
  return Math.max(WEEK_MS, 10 * config.halfLifeHours * MS_PER_HOUR);
}

/** Whether the stricter budget applies: top value decile(s), or flagged high-value by scoring. */
export function isHighValue(profile: Pick<ContactProfile, 'highValue' | 'valueDecile'>, config: DisturbanceConfig): boolean {
  return profile.highValue || (profile.valueDecile !== undefined && profile.valueDecile >= config.highValueDecileFrom);
}

/** The result of testing one more non-core contact against the user's budget. */
export type BudgetCheck =
  | { kind: 'within'; indexAfter: number; lastDay: number; lastWeek: number; budget: ContactBudget }
  | { kind: 'exceeded'; limit: 'per-day' | 'per-week' | 'index'; indexAfter: number; lastDay: number; lastWeek: number; budget: ContactBudget };

/**
 * Tests a candidate non-core contact against the budget: hard caps on marketing contacts in the
 * rolling 24 hours and 7 days before `now` (the candidate counts), and a ceiling on the decayed
 * index once the candidate is added. Caps count non-core contacts only: a transactional message
 * the user asked for must not use up the marketing budget, though it does raise the index.
 */
export function checkContactBudget(
  candidate: { channel: Channel },
  history: readonly ContactRecord[],
  highValue: boolean,
  now: Date,
  config: DisturbanceConfig,
): BudgetCheck {
  const budget = highValue ? config.highValue : config.standard;
  const nowMs = now.getTime();
  const marketing = history.filter((contact) => contact.priority === 'non-core');
  const within = (windowMs: number) => marketing.filter((contact) => nowMs - Date.parse(contact.at) < windowMs).length;
  const lastDay = within(MS_PER_DAY);
  const lastWeek = within(WEEK_MS);
  const indexAfter = disturbanceIndex(history, now, config) + contactWeight(candidate.channel, 'non-core', config);
  const measures = { indexAfter, lastDay, lastWeek, budget };
  if (lastDay + 1 > budget.maxPerDay) return { kind: 'exceeded', limit: 'per-day', ...measures };
  if (lastWeek + 1 > budget.maxPerWeek) return { kind: 'exceeded', limit: 'per-week', ...measures };
  // A tiny tolerance so a sum of floating-point weights that is exactly the ceiling on paper passes.
  if (indexAfter > budget.maxIndex + 1e-9) return { kind: 'exceeded', limit: 'index', ...measures };
  return { kind: 'within', ...measures };
}
