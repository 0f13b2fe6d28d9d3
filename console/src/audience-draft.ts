import { signal } from '@preact/signals';
import type { AudienceFilter } from '../../shared/domain/journeys/audience';
import type { RecallTier } from '../../shared/domain/journeys/journey-definition';

export const TIERS: RecallTier[] = ['R1', 'R2', 'R3', 'R4', 'R5'];
export const SEGMENTS = [
  'champions',
  'loyal',
  'potential-loyalists',
  'new',
  'promising',
  'need-attention',
  'about-to-sleep',
  'at-risk',
  'cant-lose',
  'hibernating',
] as const;
export const QUADRANTS = ['star', 'cash-cow', 'question-mark', 'dog'] as const;
export const LOCALES = ['en', 'zh-CN'] as const;
export const CHANNELS = ['email', 'sms', 'push'] as const;

/** `Can't Lose` (as /v1/tiers names it) → `cant-lose` (as an audience filter names it). */
export const slugOf = (name: string) => name.toLowerCase().replace(/'/g, '').replace(/\s+/g, '-');

/** The builder's fields as typed: text, so a half-typed number stays as the person left it. */
export interface AudienceDraft {
  tiers: string[];
  segments: string[];
  quadrants: string[];
  locales: string[];
  requiredConsents: string[];
  churnRisk: { min: string; max: string };
  daysSilent: { min: string; max: string };
  clv: { min: string; max: string };
}

export const emptyDraft = (): AudienceDraft => ({
  tiers: ['R3'],
  segments: [],
  quadrants: [],
  locales: [],
  requiredConsents: [],
  churnRisk: { min: '', max: '' },
  daysSilent: { min: '', max: '' },
  clv: { min: '', max: '' },
});

/** The audience being built, kept across pages so a journey can be launched on it. */
export const audienceDraft = signal<AudienceDraft>(emptyDraft());

/**
 * The filter the API is sent: empty lists and blank bounds are left out (they match everyone);
 * a bound that is not a number is sent as typed, so the API names the field that is wrong.
 */
export function filterOf(draft: AudienceDraft): AudienceFilter {
  const range = (bounds: { min: string; max: string }) => {
    const value = (text: string) => (text.trim() === '' ? undefined : Number.isFinite(Number(text)) ? Number(text) : text);
    const min = value(bounds.min);
    const max = value(bounds.max);
    return min === undefined && max === undefined ? undefined : { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
  };
  const list = (values: string[]) => (values.length > 0 ? values : undefined);
  const filter = {
    tiers: list(draft.tiers),
    segments: list(draft.segments),
    quadrants: list(draft.quadrants),
    locales: list(draft.locales),
    requiredConsents: list(draft.requiredConsents),
    churnRisk: range(draft.churnRisk),
    daysSilent: range(draft.daysSilent),
    clv: range(draft.clv),
  };
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as AudienceFilter;
}
