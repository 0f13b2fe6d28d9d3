/**
 * The recall journeys Rekindle ships with, one per tier, as plain data: a team edits these (or
 * stores its own) rather than code. Offers grow with silence; R1 and R2 carry no incentive so that
 * users who would come back anyway are not trained to wait for a coupon.
 *
 * Template ids name templates in shared/templates (one per tier, in zh-CN and en; R3 opens with
 * R1's no-incentive content before its coupon). The journey test renders every send step of
 * these defaults with the data a journey step provides, so an id or a variable cannot drift.
 */
import { parseJourneyDefinition, type JourneyDefinition, type JourneyDefinitionInput, type RecallTier } from './journey-definition';

/** The defaults as authored, before validation fills in the defaults of each field. */
export const DEFAULT_JOURNEY_INPUTS: Readonly<Record<RecallTier, JourneyDefinitionInput>> = {
  R1: {
    id: 'recall-r1',
    name: 'R1 cooling: light touch',
    tier: 'R1',
    steps: [
      { kind: 'send', channels: ['push'], templateId: 'recall-r1' },
      { kind: 'wait', days: 4 },
      { kind: 'send', channels: ['email'], templateId: 'recall-r1' },
    ],
    maxDurationDays: 14,
  },
  R2: {
    id: 'recall-r2',
    name: 'R2 silent 7–13 days: personal activity report',
    tier: 'R2',
    steps: [
      { kind: 'send', channels: ['email'], templateId: 'recall-r2' },
      { kind: 'wait', days: 4 },
      { kind: 'send', channels: ['push'], templateId: 'recall-r2' },
    ],
    maxDurationDays: 21,
  },
  R3: {
    id: 'recall-r3',
    name: 'R3 silent 14–29 days: content and coupon',
    tier: 'R3',
    steps: [
      { kind: 'send', channels: ['email'], templateId: 'recall-r1' },
      { kind: 'wait', days: 3 },
      {
        kind: 'send',
        channels: ['email', 'push'],
        templateId: 'recall-r3',
        offer: { kind: 'coupon', value: 10, unit: 'percent' },
      },
      { kind: 'wait', days: 7 },
      {
        kind: 'send',
        channels: ['push'],
        templateId: 'recall-r3',
        offer: { kind: 'coupon', value: 10, unit: 'percent' },
      },
    ],
    maxDurationDays: 30,
  },
  R4: {
    id: 'recall-r4',
    name: 'R4 silent 30–89 days: stronger offer, email and SMS',
    tier: 'R4',
    steps: [
      {
        kind: 'send',
        channels: ['email'],
        templateId: 'recall-r4',
        offer: { kind: 'coupon', value: 20, unit: 'percent' },
      },
      { kind: 'wait', days: 5 },
      {
        kind: 'send',
        channels: ['sms'],
        templateId: 'recall-r4',
        offer: { kind: 'coupon', value: 20, unit: 'percent' },
      },
      { kind: 'wait', days: 7 },
      {
        kind: 'send',
        channels: ['email', 'sms'],
        templateId: 'recall-r4',
        offer: { kind: 'coupon', value: 25, unit: 'percent' },
      },
    ],
    maxDurationDays: 45,
  },
  R5: {
    id: 'recall-r5',
    name: 'R5 silent 90+ days: last win-back, then sunset',
    tier: 'R5',
    steps: [
      {
        kind: 'send',
        channels: ['email'],
        templateId: 'recall-r5',
        offer: { kind: 'coupon', value: 30, unit: 'percent' },
      },
      { kind: 'wait', days: 7 },
      {
        kind: 'send',
        channels: ['email', 'sms'],
        templateId: 'recall-r5',
        offer: { kind: 'coupon', value: 30, unit: 'percent' },
      },
    ],
    escalation: { kind: 'sunset' },
    maxDurationDays: 30,
  },
};

/** The defaults, validated: importing this module fails loudly if someone edits them into nonsense. */
export const DEFAULT_JOURNEYS: Readonly<Record<RecallTier, JourneyDefinition>> = {
  R1: parseJourneyDefinition(DEFAULT_JOURNEY_INPUTS.R1),
  R2: parseJourneyDefinition(DEFAULT_JOURNEY_INPUTS.R2),
  R3: parseJourneyDefinition(DEFAULT_JOURNEY_INPUTS.R3),
  R4: parseJourneyDefinition(DEFAULT_JOURNEY_INPUTS.R4),
  R5: parseJourneyDefinition(DEFAULT_JOURNEY_INPUTS.R5),
};

/** The lifecycle journeys Rekindle ships with, entered by an event (templates in zh-CN and en). */
export const DEFAULT_LIFECYCLE_IDS = ['welcome', 'second-purchase'] as const;
export type DefaultLifecycleId = (typeof DEFAULT_LIFECYCLE_IDS)[number];

export const DEFAULT_LIFECYCLE_INPUTS: Readonly<Record<DefaultLifecycleId, JourneyDefinitionInput>> = {
  /** Welcome series: at the first session (the sign-up), then tips 3 days later unless the core feature was used meanwhile. */
  welcome: {
    id: 'lifecycle-welcome',
    name: 'Welcome series after the first session',
    entry: { kind: 'event', event: { type: 'session' }, first: true },
    steps: [
      { kind: 'send', channels: ['email', 'push'], templateId: 'lifecycle-welcome' },
      { kind: 'wait', days: 3 },
      {
        kind: 'branch',
        if: { kind: 'event-since-entry', event: { type: 'feature_use' } },
        then: [
          { kind: 'wait', days: 4 },
          { kind: 'send', channels: ['push'], templateId: 'lifecycle-welcome-tips' },
        ],
        else: [{ kind: 'send', channels: ['email'], templateId: 'lifecycle-welcome-tips' }],
      },
    ],
    exitWhen: { kind: 'event', event: { type: 'purchase' } },
    maxDurationDays: 14,
    holdoutShare: 0.1,
  },
  /** Second-purchase nudge: 7 days after the first purchase; leaves at a second purchase. */
  'second-purchase': {
    id: 'lifecycle-second-purchase',
    name: 'Second-purchase nudge after the first purchase',
    entry: { kind: 'event', event: { type: 'purchase' }, first: true, delayDays: 7 },
    steps: [
      {
        kind: 'branch',
        if: { kind: 'score-at-least', attribute: 'clv', value: 100 },
        then: [{ kind: 'send', channels: ['email', 'push'], templateId: 'lifecycle-second-purchase', offer: { kind: 'coupon', value: 10, unit: 'percent' } }],
        else: [{ kind: 'send', channels: ['email'], templateId: 'lifecycle-second-purchase' }],
      },
    ],
    exitWhen: { kind: 'event', event: { type: 'purchase' } },
    maxDurationDays: 21,
    holdoutShare: 0.1,
  },
};

export const DEFAULT_LIFECYCLE_JOURNEYS: Readonly<Record<DefaultLifecycleId, JourneyDefinition>> = {
  welcome: parseJourneyDefinition(DEFAULT_LIFECYCLE_INPUTS.welcome),
  'second-purchase': parseJourneyDefinition(DEFAULT_LIFECYCLE_INPUTS['second-purchase']),
};
