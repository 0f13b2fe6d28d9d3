import { describe, expect, it } from 'vitest';
import { countFeedbackEvent } from '../../../shared/application/health/count-feedback-event';
import { weeklyTopComplaints } from '../../../shared/application/health/health-queries';
import type { BehaviourEvent } from '../../../shared/domain/events/behaviour-event';
import { feedbackFactOf, maskContactData } from '../../../shared/domain/health';
import { InMemoryHealthStores } from '../../support/fakes/health-stores';

const settings = { timeZone: 'Asia/Shanghai' };
const feedback = (
  eventId: string,
  feature: string,
  rating: number,
  comment?: string,
  timestamp = '2026-11-25T04:00:00Z',
): Extract<BehaviourEvent, { type: 'feedback' }> => ({
  eventId,
  userId: `u-${eventId}`,
  type: 'feedback',
  feature,
  rating,
  timestamp,
  ...(comment === undefined ? {} : { comment }),
});

describe('feedback facts', () => {
  it('fall in the ISO week of their day in the reporting zone, across the Sunday midnight', () => {
    // Act: Sunday 20:00 UTC is Monday 04:00 in Shanghai.
    const late = feedbackFactOf(feedback('f1', 'upload', 1, undefined, '2026-11-29T20:00:00Z'), 'Asia/Shanghai');
    const sameInUtc = feedbackFactOf(feedback('f1', 'upload', 1, undefined, '2026-11-29T20:00:00Z'), 'UTC');

    // Assess
    expect(late.week).toBe('2026-W49');
    expect(sameInUtc.week).toBe('2026-W48');
  });

  it('keep a masked sample of a negative comment only', () => {
    // Act
    const negative = feedbackFactOf(feedback('f1', 'upload', 2, 'broken; write to ada@example.com or (021) 5555-1234'), 'Asia/Shanghai');
    const positive = feedbackFactOf(feedback('f2', 'upload', 5, 'love it, ada@example.com'), 'Asia/Shanghai');

    // Assess
    expect(negative).toMatchObject({ negative: true, sample: 'broken; write to [email] or [phone]' });
    expect(positive.negative).toBe(false);
    expect(positive).not.toHaveProperty('sample');
    expect(maskContactData('call +86 138-1234-5678 or 13812345678')).toBe('call [phone] or [phone]');
  });
});

describe('the weekly top-3 from the counters', () => {
  it('ranks the week by negative count with at most three masked samples, counting a redelivered event once', async () => {
    // Prepare
    const stores = new InMemoryHealthStores();
    const events = [
      ...Array.from({ length: 6 }, (_, i) => feedback(`up-${i}`, 'upload', 1, `upload failed #${i}, mail me at me${i}@example.com`)),
      feedback('sh-1', 'share', 2),
      feedback('sh-2', 'share', 1, 'nothing happens'),
      feedback('se-1', 'search', 2),
      feedback('se-2', 'search', 5),
      feedback('pl-1', 'playlist', 1),
      feedback('pr-1', 'profile', 4),
      feedback('next-week', 'profile', 1, undefined, '2026-12-01T04:00:00Z'),
    ];

    // Act
    for (const event of events) await countFeedbackEvent(event, { feedback: stores, settings });
    const again = await countFeedbackEvent(events[0]!, { feedback: stores, settings });
    const notFeedback = await countFeedbackEvent(
      { eventId: 's', userId: 'u', type: 'session', timestamp: '2026-11-25T04:00:00Z' },
      { feedback: stores, settings },
    );
    const top = await weeklyTopComplaints({ week: '2026-W48', today: '2026-11-27' }, { feedback: stores });

    // Assess
    expect(again).toBe('already-counted');
    expect(notFeedback).toBe('not-feedback');
    expect(top.features.map((f) => [f.feature, f.negative, f.total])).toEqual([
      ['upload', 6, 6],
      ['share', 2, 2],
      ['playlist', 1, 1], // ahead of search (1 of 2): the same count, a larger share negative
    ]);
    expect(top.features[0]!.samples).toEqual([
      'upload failed #0, mail me at [email]',
      'upload failed #1, mail me at [email]',
      'upload failed #2, mail me at [email]',
    ]);
    expect(top.features[1]!.samples).toEqual(['nothing happens']);
  });

  it('refuses a week that is not an ISO week, naming the field', async () => {
    // Act
    const refusals = await Promise.all(
      ['2026-48', '2026-W00', '2026-W54', '2026-W53'].map((week) =>
        weeklyTopComplaints({ week, today: '2026-11-27' }, { feedback: new InMemoryHealthStores() }).then(
          () => null,
          (error: { problems?: Array<{ path: string }> }) => error.problems?.[0]?.path,
        ),
      ),
    );

    // Assess: 2026 has 53 ISO weeks (it starts on a Thursday).
    expect(refusals).toEqual(['week', 'week', 'week', null]);
  });
});
