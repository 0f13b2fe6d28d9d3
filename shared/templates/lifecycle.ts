import type { MessageTemplate } from '../domain/messaging/template';
import { emailHtml } from './email-layout';

/** Welcome series, first touch: sent right after the first session (sign-up). */
export const lifecycleWelcome: MessageTemplate = {
  id: 'lifecycle-welcome',
  description: 'Welcome series: right after the first session',
  variables: ['firstName', 'appUrl'],
  content: {
    en: {
      email: {
        subject: 'Welcome, {{firstName}}',
        html: emailHtml('en', ['Hi {{firstName}},', 'Welcome aboard. Here is how to get the most out of your first week.'], {
          label: 'Get started',
          urlVariable: 'appUrl',
        }),
        text: 'Hi {{firstName}},\n\nWelcome aboard. Here is how to get the most out of your first week: {{appUrl}}\n',
      },
      sms: { text: 'Welcome, {{firstName}}! Get started: {{appUrl}}' },
      push: { title: 'Welcome', body: '{{firstName}}, here is how to get started.' },
    },
    'zh-CN': {
      email: {
        subject: '欢迎你，{{firstName}}',
        html: emailHtml('zh-CN', ['{{firstName}}，你好：', '欢迎加入！这里是第一周的上手指南。'], { label: '开始使用', urlVariable: 'appUrl' }),
        text: '{{firstName}}，你好：\n\n欢迎加入！这里是第一周的上手指南：{{appUrl}}\n',
      },
      sms: { text: '欢迎你，{{firstName}}！开始使用：{{appUrl}}' },
      push: { title: '欢迎加入', body: '{{firstName}}，来看看如何开始。' },
    },
  },
};

/** Welcome series, follow-up: a few days later, for users who have not used the core feature yet. */
export const lifecycleWelcomeTips: MessageTemplate = {
  id: 'lifecycle-welcome-tips',
  description: 'Welcome series: tips for a user who has not tried the core feature',
  variables: ['firstName', 'appUrl'],
  content: {
    en: {
      email: {
        subject: '{{firstName}}, three tips for your first week',
        html: emailHtml('en', ['Hi {{firstName}},', 'Most people start with these three things. Try one today.'], { label: 'Show me', urlVariable: 'appUrl' }),
        text: 'Hi {{firstName}},\n\nMost people start with these three things. Try one today: {{appUrl}}\n',
      },
      sms: { text: '{{firstName}}, three tips for your first week: {{appUrl}}' },
      push: { title: 'Three tips', body: '{{firstName}}, try one of these today.' },
    },
    'zh-CN': {
      email: {
        subject: '{{firstName}}，第一周的三个小技巧',
        html: emailHtml('zh-CN', ['{{firstName}}，你好：', '大多数人都从这三件事开始，今天试试其中一件吧。'], { label: '去看看', urlVariable: 'appUrl' }),
        text: '{{firstName}}，你好：\n\n大多数人都从这三件事开始，今天试试其中一件吧：{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}，第一周的三个小技巧：{{appUrl}}' },
      push: { title: '三个小技巧', body: '{{firstName}}，今天试试其中一个吧。' },
    },
  },
};

/** Second-purchase nudge: some days after the first purchase, for a user who has not bought again. */
export const lifecycleSecondPurchase: MessageTemplate = {
  id: 'lifecycle-second-purchase',
  description: 'Second-purchase nudge after the first purchase',
  variables: ['firstName', 'appUrl'],
  content: {
    en: {
      email: {
        subject: '{{firstName}}, picked for you after your first order',
        html: emailHtml('en', ['Hi {{firstName}},', 'Thank you for your first order. Here are a few things that go well with it.'], {
          label: 'Have a look',
          urlVariable: 'appUrl',
        }),
        text: 'Hi {{firstName}},\n\nThank you for your first order. Here are a few things that go well with it: {{appUrl}}\n',
      },
      sms: { text: '{{firstName}}, picked for you after your first order: {{appUrl}}' },
      push: { title: 'Picked for you', body: '{{firstName}}, a few things that go with your first order.' },
    },
    'zh-CN': {
      email: {
        subject: '{{firstName}}，为你的首单精选推荐',
        html: emailHtml('zh-CN', ['{{firstName}}，你好：', '感谢你的第一笔订单！这些商品和它很搭。'], { label: '去看看', urlVariable: 'appUrl' }),
        text: '{{firstName}}，你好：\n\n感谢你的第一笔订单！这些商品和它很搭：{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}，为你的首单精选推荐：{{appUrl}}' },
      push: { title: '为你精选', body: '{{firstName}}，这些和你的首单很搭。' },
    },
  },
};
