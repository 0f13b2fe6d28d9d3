/**
 * The weekly report of the features users complain about most (每周迭代TOP3用户吐槽功能): a rating
 * of 1 or 2 is negative; features rank by negative count, then by share of negative, then name.
 * Sample comments are masked of contact data (addresses, phone numbers, long digit runs).
 */

export interface FeedbackEntry {
  feature: string;
  rating: number;
  comment?: string;
}

export interface FeatureComplaints {
  feature: string;
  negative: number;
  total: number;
  averageRating: number;
  samples: string[];
}

const NEGATIVE_RATING_MAX = 2;
const SAMPLES = 3;

/** Hides email addresses and phone-like digit runs in a comment. */
export function maskContactData(comment: string): string {
  return comment.replace(/[^\s@]+@[^\s@]+\.[^\s@]+/g, '[email]').replace(/\+?\d[\d\s-]{6,}\d/g, '[phone]');
}

/** The `limit` features with the most negative feedback in the entries (of one week). */
export function topComplainedFeatures(entries: readonly FeedbackEntry[], limit = 3): FeatureComplaints[] {
  const byFeature = new Map<string, { negative: number; total: number; ratingSum: number; samples: string[] }>();
  for (const entry of entries) {
    const stats = byFeature.get(entry.feature) ?? { negative: 0, total: 0, ratingSum: 0, samples: [] };
    stats.total += 1;
    stats.ratingSum += entry.rating;
    if (entry.rating <= NEGATIVE_RATING_MAX) {
      stats.negative += 1;
      if (entry.comment && stats.samples.length < SAMPLES) stats.samples.push(maskContactData(entry.comment));
    }
    byFeature.set(entry.feature, stats);
  }
  return [...byFeature]
    .filter(([, stats]) => stats.negative > 0)
    .map(([feature, stats]) => ({
      feature,
      negative: stats.negative,
      total: stats.total,
      averageRating: Math.round((stats.ratingSum / stats.total) * 100) / 100,
      samples: stats.samples,
    }))
    .sort((a, b) => b.negative - a.negative || b.negative / b.total - a.negative / a.total || (a.feature < b.feature ? -1 : 1))
    .slice(0, limit);
}
