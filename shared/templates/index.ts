import type { MessageTemplate, TemplateCatalog } from '../domain/messaging/template';
import { checkinReminder, checkinSummary, couponIssued, levelUp, onboardingReminder, pointsExpiring } from './loyalty';
import { recallR1, recallR2, recallR3, recallR4, recallR5 } from './recall';
import { lifecycleSecondPurchase, lifecycleWelcome, lifecycleWelcomeTips } from './lifecycle';
import { testMessage } from './test-message';

const all: readonly MessageTemplate[] = [
  recallR1,
  recallR2,
  recallR3,
  recallR4,
  recallR5,
  lifecycleWelcome,
  lifecycleWelcomeTips,
  lifecycleSecondPurchase,
  checkinReminder,
  checkinSummary,
  couponIssued,
  levelUp,
  onboardingReminder,
  pointsExpiring,
  testMessage,
];

export * from './wording';

/** Ids of the templates in the repository, for callers that pick one. */
export const templateIds = all.map((template) => template.id);

/** True when the template exists and declares the variable: callers fetch costly data only then. */
export function templateDeclares(templateId: string, variable: string): boolean {
  return all.some((template) => template.id === templateId && template.variables.includes(variable));
}

/**
 * The message templates in the repository, in zh-CN and en. Marketing email gets the footer
 * below; the same link travels in the List-Unsubscribe header (RFC 8058).
 */
export const messageTemplates: TemplateCatalog = {
  templates: Object.fromEntries(all.map((template) => [template.id, template])),
  unsubscribeFooter: {
    en: {
      html: '<p style="font-size:12px;color:#777">You receive this because you use our app. <a href="{{unsubscribeUrl}}">Unsubscribe</a> in one click.</p>',
      text: '\n--\nUnsubscribe in one click: {{unsubscribeUrl}}\n',
    },
    'zh-CN': {
      html: '<p style="font-size:12px;color:#777">你收到这封邮件是因为你使用了我们的应用。<a href="{{unsubscribeUrl}}">一键退订</a>。</p>',
      text: '\n--\n一键退订：{{unsubscribeUrl}}\n',
    },
  },
};
