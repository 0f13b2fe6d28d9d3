import type { MessageTemplate } from '../domain/messaging/template';
import { emailHtml } from './email-layout';

/** R1 cooling: a light touch, no incentive. */
export const recallR1: MessageTemplate = {
  id: 'recall-r1',
  description: 'R1 cooling: light reminder, no incentive',
  variables: ['firstName', 'appUrl'],
  content: {
    en: {
      email: {
        subject: '{{firstName}}, here is what is new this week',
        html: emailHtml('en', ['Hi {{firstName}},', 'A few things changed since your last visit. Take a look when you have a minute.'], {
          label: 'Open the app',
          urlVariable: 'appUrl',
        }),
        text: 'Hi {{firstName}},\n\nA few things changed since your last visit. Take a look when you have a minute: {{appUrl}}\n',
      },
      sms: { text: '{{firstName}}, a few things changed since your last visit: {{appUrl}}' },
      push: { title: 'New this week', body: '{{firstName}}, see what changed since your last visit.' },
    },
    'zh-CN': {
      email: {
        subject: '{{firstName}}，本周有新内容',
        html: emailHtml('zh-CN', ['{{firstName}}，你好：', '自你上次访问以来，我们更新了一些内容，有空来看看吧。'], {
          label: '打开应用',
          urlVariable: 'appUrl',
        }),
        text: '{{firstName}}，你好：\n\n自你上次访问以来，我们更新了一些内容，有空来看看吧：{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}，自你上次访问以来有了新内容：{{appUrl}}' },
      push: { title: '本周新内容', body: '{{firstName}}，来看看有哪些更新。' },
    },
  },
};

/** R2 silent 7–13 days: personalised content, e.g. a personal activity report. */
export const recallR2: MessageTemplate = {
  id: 'recall-r2',
  description: 'R2 silent 7-13 days: personal activity report',
  variables: ['firstName', 'activitySummary', 'appUrl'],
  content: {
    en: {
      email: {
        subject: '{{firstName}}, your activity report',
        html: emailHtml('en', ['Hi {{firstName}},', 'Here is your recent activity: {{activitySummary}}', 'Pick up where you left off.'], {
          label: 'Continue',
          urlVariable: 'appUrl',
        }),
        text: 'Hi {{firstName}},\n\nHere is your recent activity: {{activitySummary}}\n\nPick up where you left off: {{appUrl}}\n',
      },
      sms: { text: '{{firstName}}, your activity report: {{activitySummary}} Continue: {{appUrl}}' },
      push: { title: 'Your activity report', body: '{{firstName}}: {{activitySummary}}' },
    },
    'zh-CN': {
      email: {
        subject: '{{firstName}}，你的个人活动报告',
        html: emailHtml('zh-CN', ['{{firstName}}，你好：', '这是你最近的活动：{{activitySummary}}', '从上次停下的地方继续吧。'], {
          label: '继续',
          urlVariable: 'appUrl',
        }),
        text: '{{firstName}}，你好：\n\n这是你最近的活动：{{activitySummary}}\n\n从上次停下的地方继续吧：{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}，你的活动报告：{{activitySummary}} 继续：{{appUrl}}' },
      push: { title: '你的活动报告', body: '{{firstName}}：{{activitySummary}}' },
    },
  },
};

/** R3 silent 14–29 days: content plus a coupon. */
export const recallR3: MessageTemplate = {
  id: 'recall-r3',
  description: 'R3 silent 14-29 days: content and a coupon',
  variables: ['firstName', 'couponValue', 'couponCode', 'couponExpiresOn', 'appUrl'],
  content: {
    en: {
      email: {
        subject: '{{firstName}}, a {{couponValue}} coupon to welcome you back',
        html: emailHtml(
          'en',
          ['Hi {{firstName}},', 'We saved you a {{couponValue}} coupon: <strong>{{couponCode}}</strong>.', 'It is valid until {{couponExpiresOn}}.'],
          { label: 'Use my coupon', urlVariable: 'appUrl' },
        ),
        text: 'Hi {{firstName}},\n\nWe saved you a {{couponValue}} coupon: {{couponCode}}. It is valid until {{couponExpiresOn}}.\n\n{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}, your {{couponValue}} coupon {{couponCode}} is valid until {{couponExpiresOn}}: {{appUrl}}' },
      push: { title: 'A {{couponValue}} coupon for you', body: 'Code {{couponCode}}, valid until {{couponExpiresOn}}.' },
    },
    'zh-CN': {
      email: {
        subject: '{{firstName}}，送你一张{{couponValue}}优惠券',
        html: emailHtml(
          'zh-CN',
          ['{{firstName}}，你好：', '我们为你准备了一张{{couponValue}}优惠券：<strong>{{couponCode}}</strong>。', '有效期至{{couponExpiresOn}}。'],
          { label: '立即使用', urlVariable: 'appUrl' },
        ),
        text: '{{firstName}}，你好：\n\n我们为你准备了一张{{couponValue}}优惠券：{{couponCode}}，有效期至{{couponExpiresOn}}。\n\n{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}，你的{{couponValue}}优惠券{{couponCode}}有效期至{{couponExpiresOn}}：{{appUrl}}' },
      push: { title: '送你{{couponValue}}优惠券', body: '券码{{couponCode}}，有效期至{{couponExpiresOn}}。' },
    },
  },
};

/** R4 silent 30–89 days: a stronger offer, by email and SMS. */
export const recallR4: MessageTemplate = {
  id: 'recall-r4',
  description: 'R4 silent 30-89 days: stronger offer',
  variables: ['firstName', 'couponValue', 'couponCode', 'couponExpiresOn', 'appUrl'],
  content: {
    en: {
      email: {
        subject: '{{firstName}}, we miss you: {{couponValue}} off',
        html: emailHtml(
          'en',
          [
            'Hi {{firstName}},',
            'It has been a while. Here is {{couponValue}} off your next order with code <strong>{{couponCode}}</strong>.',
            'The offer ends on {{couponExpiresOn}}.',
          ],
          { label: 'Claim {{couponValue}} off', urlVariable: 'appUrl' },
        ),
        text: 'Hi {{firstName}},\n\nIt has been a while. Here is {{couponValue}} off your next order with code {{couponCode}}. The offer ends on {{couponExpiresOn}}.\n\n{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}, we miss you! {{couponValue}} off with {{couponCode}} until {{couponExpiresOn}}: {{appUrl}}' },
      push: { title: 'We miss you, {{firstName}}', body: '{{couponValue}} off with {{couponCode}}, until {{couponExpiresOn}}.' },
    },
    'zh-CN': {
      email: {
        subject: '{{firstName}}，好久不见：立减{{couponValue}}',
        html: emailHtml(
          'zh-CN',
          ['{{firstName}}，你好：', '好久不见。下单使用券码<strong>{{couponCode}}</strong>立减{{couponValue}}。', '活动截止{{couponExpiresOn}}。'],
          { label: '领取优惠', urlVariable: 'appUrl' },
        ),
        text: '{{firstName}}，你好：\n\n好久不见。下单使用券码{{couponCode}}立减{{couponValue}}，活动截止{{couponExpiresOn}}。\n\n{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}，好久不见！券码{{couponCode}}立减{{couponValue}}，截止{{couponExpiresOn}}：{{appUrl}}' },
      push: { title: '{{firstName}}，好久不见', body: '券码{{couponCode}}立减{{couponValue}}，截止{{couponExpiresOn}}。' },
    },
  },
};

/** R5 silent 90+ days: the last win-back before sunset. */
export const recallR5: MessageTemplate = {
  id: 'recall-r5',
  description: 'R5 silent 90+ days: last win-back before sunset',
  variables: ['firstName', 'couponValue', 'couponCode', 'appUrl'],
  content: {
    en: {
      email: {
        subject: '{{firstName}}, one last thing before we say goodbye',
        html: emailHtml(
          'en',
          ['Hi {{firstName}},', 'We will stop writing to you soon. Before we do, here is {{couponValue}} off with code <strong>{{couponCode}}</strong>.'],
          { label: 'Come back', urlVariable: 'appUrl' },
        ),
        text: 'Hi {{firstName}},\n\nWe will stop writing to you soon. Before we do, here is {{couponValue}} off with code {{couponCode}}.\n\n{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}, a last {{couponValue}} off with {{couponCode}} before we stop writing: {{appUrl}}' },
      push: { title: 'One last offer', body: '{{firstName}}, {{couponValue}} off with {{couponCode}}.' },
    },
    'zh-CN': {
      email: {
        subject: '{{firstName}}，告别之前的最后一份礼物',
        html: emailHtml(
          'zh-CN',
          ['{{firstName}}，你好：', '我们很快将不再给你发送消息。在此之前，送你券码<strong>{{couponCode}}</strong>，立减{{couponValue}}。'],
          { label: '回来看看', urlVariable: 'appUrl' },
        ),
        text: '{{firstName}}，你好：\n\n我们很快将不再给你发送消息。在此之前，送你券码{{couponCode}}，立减{{couponValue}}。\n\n{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}，最后一份礼物：券码{{couponCode}}立减{{couponValue}}：{{appUrl}}' },
      push: { title: '最后一份礼物', body: '{{firstName}}，券码{{couponCode}}立减{{couponValue}}。' },
    },
  },
};
