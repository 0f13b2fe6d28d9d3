import type { BehaviourEvent } from '../../domain/events/behaviour-event';
import { feedbackFactOf, type FeedbackCounters } from '../../domain/health';

/**
 * Adds one experience-feedback event (15秒体验反馈) to its week's counters in the reporting zone:
 * counts, rating sum and, for a negative rating with a comment, a masked sample. Any other event
 * type is ignored (the stream mapping filters them out already; this keeps the handler right
 * without the filter). Counted once per event: a redelivered stream record changes nothing.
 */
export async function countFeedbackEvent(
  event: BehaviourEvent,
  ports: { feedback: FeedbackCounters; settings: { timeZone: string } },
): Promise<'counted' | 'already-counted' | 'not-feedback'> {
  if (event.type !== 'feedback') return 'not-feedback';
  return ports.feedback.add(feedbackFactOf(event, ports.settings.timeZone));
}
