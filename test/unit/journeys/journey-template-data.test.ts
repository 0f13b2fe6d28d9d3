import { describe, expect, it } from 'vitest';
import { activityTotals, compileJourneyPlan, DEFAULT_JOURNEYS, journeyTemplateData, type PlanSendStep } from '../../../shared/domain/journeys';
import { findTemplate, locales, renderMessage } from '../../../shared/domain/messaging';
import { messageTemplates, templateDeclares } from '../../../shared/templates';

const sendSteps = Object.values(DEFAULT_JOURNEYS).flatMap((definition) =>
  compileJourneyPlan(definition)
    .steps.filter((step): step is PlanSendStep => step.kind === 'send')
    .map((step) => [`${definition.id} step ${step.index} (${step.templateId})`, definition.id, step] as const),
);

describe('template data of journey steps', () => {
  it.each(sendSteps)('%s renders on its channels in both locales with the data a step provides', (_name, journeyId, step) => {
    for (const locale of locales) {
      // Prepare: no first name and no activity: the leanest data the sender can build.
      const activity = templateDeclares(step.templateId, 'activitySummary') ? activityTotals([], 30) : undefined;
      const data = journeyTemplateData({
        journeyId,
        step,
        endsAt: new Date('2026-03-01T12:00:00Z'),
        recipient: { firstName: undefined, locale, timeZone: 'Asia/Shanghai' },
        activity,
        appUrl: 'https://app.example.com',
      });

      // Act
      const rendered = step.channels.map((channel) => renderMessage(messageTemplates, findTemplate(messageTemplates, step.templateId), channel, locale, data));

      // Assess
      expect(rendered.map((message) => Object.values(message).join('\n')).join('\n')).not.toMatch(/\{\{|\}\}/);
    }
  });

  it('fills the coupon, its end in the user’s zone, the first name and the activity numbers', () => {
    // Prepare
    const r3 = compileJourneyPlan(DEFAULT_JOURNEYS.R3).steps.find((step): step is PlanSendStep => step.kind === 'send' && step.offer.kind === 'coupon')!;
    const day = (date: string, sessions: number, purchases: number) =>
      ({ day: date, eventCount: sessions + purchases, sessions, purchases }) as Parameters<typeof activityTotals>[0][number];

    // Act
    const data = journeyTemplateData({
      journeyId: 'recall-r3',
      step: r3,
      endsAt: new Date('2026-03-01T20:00:00Z'),
      recipient: { firstName: '小明', locale: 'zh-CN', timeZone: 'Asia/Shanghai' },
      activity: activityTotals([day('2026-01-02', 3, 1), day('2026-01-05', 2, 0)], 30),
      appUrl: 'https://app.example.com',
    });

    // Assess
    expect(data).toMatchObject({ firstName: '小明', couponValue: '10%', couponCode: `RECALL-R3-${r3.sendNumber}`, couponExpiresOn: '2026-03-02' });
    expect(data.activitySummary).toBe('最近30天你活跃了2天，访问5次，下单1笔。');
  });
});
