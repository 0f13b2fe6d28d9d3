import { wallClockAt } from '../common';
import { isoWeekOf } from './metrics';

/**
 * The weekly report of the features users complain about most (每周迭代TOP3用户吐槽功能): a rating
 * of 1 or 2 is negative; features rank by negative count, then by share of negative, then name.
 * Feedback is kept as counters per week and feature (see {@link FeatureFeedbackCounts}), added to
 * once per event as the events arrive, so the report never reads raw events. Sample comments are
 * masked of contact data (addresses, phone numbers) before they are stored.
 */

export interface FeedbackEntry {
  feature: string;
  rating: number;
  comment?: string;
}

/** What is kept of one feature's feedback in one ISO week. */
export interface FeatureFeedbackCounts {
  feature: string;
  total: number;
  negative: number;
  ratingSum: number;
  /** Masked comments of negative feedback, the first {@link SAMPLES_KEPT} that came. */
  samples: string[];
}

/** One feedback event as the counters take it: its week, and its comment only when it is a masked sample. */
export interface FeedbackFact {
  /** Unique per event (user and event id): a redelivered event is counted once. */
  factId: string;
  week: string;
  feature: string;
  rating: number;
  negative: boolean;
  sample?: string;
}

export interface FeatureComplaints {
  feature: string;
  negative: number;
  total: number;
  averageRating: number;
  samples: string[];
}

const NEGATIVE_RATING_MAX = 2;
/** Samples kept per feature and week (a bounded list on the counter item). */
export const SAMPLES_KEPT = 5;
const SAMPLES_SHOWN = 3;

export const isNegativeRating = (rating: number) => rating <= NEGATIVE_RATING_MAX;

/** Hides email addresses and phone-like digit runs (with spaces, dashes, dots or brackets) in a comment. */
export function maskContactData(comment: string): string {
  return comment.replace(/[^\s@]+@[^\s@]+\.[^\s@]+/g, '[email]').replace(/\+?\(?\d[\d\s().-]{6,}\d/g, '[phone]');
}

/** The ISO week of an instant's day in the reporting zone. */
export function reportingWeekOf(timestamp: string, timeZone: string): string {
  const reading = wallClockAt(Date.parse(timestamp), timeZone);
  return isoWeekOf(`${reading.year}-${String(reading.month).padStart(2, '0')}-${String(reading.day).padStart(2, '0')}`);
}

/** The fact a feedback event adds to its week's counters. */
export function feedbackFactOf(
  event: { userId: string; eventId: string; timestamp: string; feature: string; rating: number; comment?: string | undefined },
  timeZone: string,
): FeedbackFact {
  const negative = isNegativeRating(event.rating);
  const comment = event.comment?.trim();
  return {
    factId: `${event.userId}#${event.eventId}`,
    week: reportingWeekOf(event.timestamp, timeZone),
    feature: event.feature,
    rating: event.rating,
    negative,
    ...(negative && comment ? { sample: maskContactData(comment) } : {}),
  };
}

/** Folds entries (of one week) into counters, as adding them one by one does. */
export function countFeedback(entries: readonly FeedbackEntry[]): FeatureFeedbackCounts[] {
  const byFeature = new Map<string, FeatureFeedbackCounts>();
  for (const entry of entries) {
    const counts = byFeature.get(entry.feature) ?? { feature: entry.feature, total: 0, negative: 0, ratingSum: 0, samples: [] };
    counts.total += 1;
    counts.ratingSum += entry.rating;
    if (isNegativeRating(entry.rating)) {
      counts.negative += 1;
      if (entry.comment && counts.samples.length < SAMPLES_KEPT) counts.samples.push(maskContactData(entry.comment));
    }
    byFeature.set(entry.feature, counts);
  }
  return [...byFeature.values()];
}

/** The `limit` features with the most negative feedback, from a week's counters. */
export function rankComplaints(counts: readonly FeatureFeedbackCounts[], limit = 3): FeatureComplaints[] {
  return counts
    .filter((stats) => stats.negative > 0)
    .map((stats) => ({
      feature: stats.feature,
      negative: stats.negative,
      total: stats.total,
      averageRating: Math.round((stats.ratingSum / stats.total) * 100) / 100,
      // Masked again on the way out: a sample stored before masking changed stays safe to show.
      samples: stats.samples.slice(0, SAMPLES_SHOWN).map(maskContactData),
    }))
    .sort((a, b) => b.negative - a.negative || b.negative / b.total - a.negative / a.total || (a.feature < b.feature ? -1 : 1))
    .slice(0, limit);
}

/** The `limit` features with the most negative feedback in the entries (of one week). */
export function topComplainedFeatures(entries: readonly FeedbackEntry[], limit = 3): FeatureComplaints[] {
  return rankComplaints(countFeedback(entries), limit);
}
