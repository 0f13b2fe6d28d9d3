import { MS_PER_DAY } from '../common';
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
 * Which touch each contact belongs to, by position in `contacts`. A touch is what the user feels as
 * one contact: the messages of one journey step sent on several channels share a `touchId`. A
 * contact without a touch id is a touch of its own; so is a contact that repeats a channel its touch
 * already used (one touch is one message per channel, so a caller cannot hide a series of emails
 * behind one touch id).
 */
export function touchKeys(contacts: readonly ContactRecord[]): string[] {
  const order = contacts.map((contact, index) => ({ index, at: Date.parse(contact.at) })).sort((a, b) => a.at - b.at || a.index - b.index);
  const keys: string[] = new Array<string>(contacts.length);
  const open = new Map<string, { key: string; channels: Set<Channel> }>();
  for (const { index } of order) {
    const contact = contacts[index]!;
    if (contact.touchId === undefined) {
      keys[index] = `message:${index}:${contact.messageId}`;
      continue;
    }
    let touch = open.get(contact.touchId);
    if (touch === undefined || touch.channels.has(contact.channel)) {
      touch = { key: `touch:${contact.touchId}#${index}`, channels: new Set() };
      open.set(contact.touchId, touch);
    }
    touch.channels.add(contact.channel);
    keys[index] = touch.key;
  }
  return keys;
}

/**
 * The disturbance index at `now`: each past touch's weight, halved every `halfLifeHours`. A touch
 * yesterday still counts most of its weight, one two weeks ago almost nothing, so the index
 * measures how bothered the user feels now rather than a count in an arbitrary window. A touch on
 * several channels counts once, at its heaviest (decayed) channel.
 * Contacts after `now` (clock skew) count in full rather than more than full.
 */
export function disturbanceIndex(history: readonly ContactRecord[], now: Date, config: DisturbanceConfig): number {
  const halfLifeMs = config.halfLifeHours * MS_PER_HOUR;
  const keys = touchKeys(history);
  const touches = new Map<string, number>();
  history.forEach((contact, i) => {
    const ageMs = Math.max(0, now.getTime() - Date.parse(contact.at));
    const weight = contactWeight(contact.channel, contact.priority, config) * 0.5 ** (ageMs / halfLifeMs);
    const key = keys[i]!;
    touches.set(key, Math.max(touches.get(key) ?? 0, weight));
  });
  let index = 0;
  for (const weight of touches.values()) index += weight;
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
 * Tests a candidate non-core contact against the budget: hard caps on marketing touches in the
 * rolling 24 hours and 7 days before `now` (the candidate counts, unless it joins a touch already
 * counted), and a ceiling on the decayed index once the candidate is added. Caps count non-core
 * contacts only: a transactional message the user asked for must not use up the marketing budget,
 * though it does raise the index. `lastDay` and `lastWeek` are the touches before the candidate.
 */
export function checkContactBudget(
  candidate: { channel: Channel; touchId?: string | undefined },
  history: readonly ContactRecord[],
  highValue: boolean,
  now: Date,
  config: DisturbanceConfig,
): BudgetCheck {
  const budget = highValue ? config.highValue : config.standard;
  const nowMs = now.getTime();
  const candidateContact: ContactRecord = {
    messageId: '(candidate)',
    at: now.toISOString(),
    channel: candidate.channel,
    priority: 'non-core',
    ...(candidate.touchId === undefined ? {} : { touchId: candidate.touchId }),
  };
  const withCandidate = [...history, candidateContact];
  const keys = touchKeys(withCandidate);
  const candidateKey = keys[history.length]!;
  const touchesWithin = (windowMs: number) =>
    new Set(history.flatMap((contact, i) => (contact.priority === 'non-core' && nowMs - Date.parse(contact.at) < windowMs ? [keys[i]!] : [])));
  const dayTouches = touchesWithin(MS_PER_DAY);
  const weekTouches = touchesWithin(WEEK_MS);
  const lastDay = dayTouches.size;
  const lastWeek = weekTouches.size;
  const indexAfter = disturbanceIndex(withCandidate, now, config);
  const measures = { indexAfter, lastDay, lastWeek, budget };
  if (lastDay + (dayTouches.has(candidateKey) ? 0 : 1) > budget.maxPerDay) return { kind: 'exceeded', limit: 'per-day', ...measures };
  if (lastWeek + (weekTouches.has(candidateKey) ? 0 : 1) > budget.maxPerWeek) return { kind: 'exceeded', limit: 'per-week', ...measures };
  // A tiny tolerance so a sum of floating-point weights that is exactly the ceiling on paper passes.
  if (indexAfter > budget.maxIndex + 1e-9) return { kind: 'exceeded', limit: 'index', ...measures };
  return { kind: 'within', ...measures };
}
