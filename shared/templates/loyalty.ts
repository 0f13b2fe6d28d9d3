import type { MessageTemplate } from '../domain/messaging/template';
import { emailHtml } from './email-layout';

/** The 21-day check-in program: a missed day. */
export const checkinReminder: MessageTemplate = {
  id: 'checkin-reminder',
  description: 'Check-in program: reminder on a missed day',
  variables: ['firstName', 'currentStreak', 'daysLeft', 'checkinUrl'],
  content: {
    en: {
      email: {
        subject: '{{firstName}}, keep your {{currentStreak}}-day streak going',
        html: emailHtml(
          'en',
          ['Hi {{firstName}},', 'You have checked in {{currentStreak}} days in a row. {{daysLeft}} days to go: check in today to keep it up.'],
          { label: 'Check in', urlVariable: 'checkinUrl' },
        ),
        text: 'Hi {{firstName}},\n\nYou have checked in {{currentStreak}} days in a row. {{daysLeft}} days to go: check in today to keep it up.\n\n{{checkinUrl}}\n',
      },
      sms: { text: '{{firstName}}, {{currentStreak}}-day streak, {{daysLeft}} days to go. Check in today: {{checkinUrl}}' },
      push: { title: 'Keep your streak', body: '{{currentStreak}} days in a row, {{daysLeft}} to go. Check in today, {{firstName}}.' },
    },
    'zh-CN': {
      email: {
        subject: '{{firstName}}，别让{{currentStreak}}天的连续签到中断',
        html: emailHtml('zh-CN', ['{{firstName}}，你好：', '你已连续签到{{currentStreak}}天，还剩{{daysLeft}}天。今天记得签到哦。'], {
          label: '去签到',
          urlVariable: 'checkinUrl',
        }),
        text: '{{firstName}}，你好：\n\n你已连续签到{{currentStreak}}天，还剩{{daysLeft}}天。今天记得签到哦。\n\n{{checkinUrl}}\n',
      },
      sms: { text: '{{firstName}}，已连续签到{{currentStreak}}天，还剩{{daysLeft}}天，今天别忘了签到：{{checkinUrl}}' },
      push: { title: '别让签到中断', body: '{{firstName}}，已连续{{currentStreak}}天，还剩{{daysLeft}}天。' },
    },
  },
};

/** The 21-day check-in program: a summary of progress and points. */
export const checkinSummary: MessageTemplate = {
  id: 'checkin-summary',
  description: 'Check-in program: progress and points summary',
  variables: ['firstName', 'daysCompleted', 'pointsEarned', 'checkinUrl'],
  content: {
    en: {
      email: {
        subject: '{{firstName}}, {{daysCompleted}} days checked in, {{pointsEarned}} points earned',
        html: emailHtml('en', ['Hi {{firstName}},', 'You have checked in on {{daysCompleted}} days and earned {{pointsEarned}} points so far.'], {
          label: 'See my progress',
          urlVariable: 'checkinUrl',
        }),
        text: 'Hi {{firstName}},\n\nYou have checked in on {{daysCompleted}} days and earned {{pointsEarned}} points so far.\n\n{{checkinUrl}}\n',
      },
      sms: { text: '{{firstName}}: {{daysCompleted}} days checked in, {{pointsEarned}} points. {{checkinUrl}}' },
      push: { title: 'Your check-in progress', body: '{{firstName}}, {{daysCompleted}} days and {{pointsEarned}} points so far.' },
    },
    'zh-CN': {
      email: {
        subject: '{{firstName}}，已签到{{daysCompleted}}天，获得{{pointsEarned}}积分',
        html: emailHtml('zh-CN', ['{{firstName}}，你好：', '你已签到{{daysCompleted}}天，累计获得{{pointsEarned}}积分。'], {
          label: '查看进度',
          urlVariable: 'checkinUrl',
        }),
        text: '{{firstName}}，你好：\n\n你已签到{{daysCompleted}}天，累计获得{{pointsEarned}}积分。\n\n{{checkinUrl}}\n',
      },
      sms: { text: '{{firstName}}：已签到{{daysCompleted}}天，获得{{pointsEarned}}积分。{{checkinUrl}}' },
      push: { title: '签到进度', body: '{{firstName}}，已签到{{daysCompleted}}天，获得{{pointsEarned}}积分。' },
    },
  },
};

/** A coupon was granted (check-in completion, referral, recall offer). */
export const couponIssued: MessageTemplate = {
  id: 'coupon-issued',
  description: 'A coupon was issued to the user',
  variables: ['firstName', 'couponValue', 'couponCode', 'couponExpiresOn', 'appUrl'],
  content: {
    en: {
      email: {
        subject: '{{firstName}}, your {{couponValue}} coupon is ready',
        html: emailHtml(
          'en',
          ['Hi {{firstName}},', 'Your {{couponValue}} coupon <strong>{{couponCode}}</strong> is in your account until {{couponExpiresOn}}.'],
          { label: 'Use it now', urlVariable: 'appUrl' },
        ),
        text: 'Hi {{firstName}},\n\nYour {{couponValue}} coupon {{couponCode}} is in your account until {{couponExpiresOn}}.\n\n{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}, your {{couponValue}} coupon {{couponCode}} is valid until {{couponExpiresOn}}. {{appUrl}}' },
      push: { title: 'Your {{couponValue}} coupon', body: '{{firstName}}, code {{couponCode}} is valid until {{couponExpiresOn}}.' },
    },
    'zh-CN': {
      email: {
        subject: '{{firstName}}，你的{{couponValue}}优惠券已到账',
        html: emailHtml(
          'zh-CN',
          ['{{firstName}}，你好：', '你的{{couponValue}}优惠券<strong>{{couponCode}}</strong>已放入账户，有效期至{{couponExpiresOn}}。'],
          { label: '立即使用', urlVariable: 'appUrl' },
        ),
        text: '{{firstName}}，你好：\n\n你的{{couponValue}}优惠券{{couponCode}}已放入账户，有效期至{{couponExpiresOn}}。\n\n{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}，你的{{couponValue}}优惠券{{couponCode}}已到账，有效期至{{couponExpiresOn}}。{{appUrl}}' },
      push: { title: '{{couponValue}}优惠券已到账', body: '{{firstName}}，券码{{couponCode}}，有效期至{{couponExpiresOn}}。' },
    },
  },
};

/** The user reached a higher growth level. */
export const levelUp: MessageTemplate = {
  id: 'level-up',
  description: 'Growth ladder: the user reached a higher level',
  variables: ['firstName', 'levelName', 'perks', 'appUrl'],
  content: {
    en: {
      email: {
        subject: '{{firstName}}, welcome to {{levelName}}',
        html: emailHtml('en', ['Hi {{firstName}},', 'You have reached {{levelName}}. Your perks: {{perks}}.'], {
          label: 'See my level',
          urlVariable: 'appUrl',
        }),
        text: 'Hi {{firstName}},\n\nYou have reached {{levelName}}. Your perks: {{perks}}.\n\n{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}, you have reached {{levelName}}. Perks: {{perks}}. {{appUrl}}' },
      push: { title: 'Welcome to {{levelName}}', body: '{{firstName}}, your perks: {{perks}}.' },
    },
    'zh-CN': {
      email: {
        subject: '{{firstName}}，欢迎来到{{levelName}}',
        html: emailHtml('zh-CN', ['{{firstName}}，你好：', '你已升级到{{levelName}}。你的权益：{{perks}}。'], { label: '查看等级', urlVariable: 'appUrl' }),
        text: '{{firstName}}，你好：\n\n你已升级到{{levelName}}。你的权益：{{perks}}。\n\n{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}，你已升级到{{levelName}}，权益：{{perks}}。{{appUrl}}' },
      push: { title: '欢迎来到{{levelName}}', body: '{{firstName}}，你的权益：{{perks}}。' },
    },
  },
};

/** An event-driven task program (the 7-day onboarding): a day without the task. */
export const onboardingReminder: MessageTemplate = {
  id: 'onboarding-reminder',
  description: 'Onboarding task program: reminder on a day without the task',
  variables: ['firstName', 'currentStreak', 'daysLeft', 'checkinUrl'],
  content: {
    en: {
      email: {
        subject: "{{firstName}}, today's task is waiting",
        html: emailHtml(
          'en',
          ['Hi {{firstName}},', "You have done your task {{currentStreak}} days in a row. {{daysLeft}} more to finish: do today's in the app."],
          { label: "Do today's task", urlVariable: 'checkinUrl' },
        ),
        text: "Hi {{firstName}},\n\nYou have done your task {{currentStreak}} days in a row. {{daysLeft}} more to finish: do today's in the app.\n\n{{checkinUrl}}\n",
      },
      sms: { text: "{{firstName}}, {{currentStreak}} days in a row, {{daysLeft}} to go. Today's task: {{checkinUrl}}" },
      push: { title: "Today's task is waiting", body: '{{currentStreak}} days in a row, {{daysLeft}} to go, {{firstName}}.' },
    },
    'zh-CN': {
      email: {
        subject: '{{firstName}}，今天的新手任务还没完成',
        html: emailHtml('zh-CN', ['{{firstName}}，你好：', '你已连续{{currentStreak}}天完成任务，还差{{daysLeft}}天。今天也来完成吧。'], {
          label: '去完成任务',
          urlVariable: 'checkinUrl',
        }),
        text: '{{firstName}}，你好：\n\n你已连续{{currentStreak}}天完成任务，还差{{daysLeft}}天。今天也来完成吧。\n\n{{checkinUrl}}\n',
      },
      sms: { text: '{{firstName}}，已连续{{currentStreak}}天完成任务，还差{{daysLeft}}天：{{checkinUrl}}' },
      push: { title: '今天的任务还没完成', body: '{{firstName}}，已连续{{currentStreak}}天，还差{{daysLeft}}天。' },
    },
  },
};

/** Points are about to expire (one notice per expiring grant). */
export const pointsExpiring: MessageTemplate = {
  id: 'points-expiring',
  description: 'Points ledger: points that will expire soon',
  variables: ['firstName', 'pointsExpiring', 'expiresOn', 'appUrl'],
  content: {
    en: {
      email: {
        subject: '{{firstName}}, {{pointsExpiring}} points expire on {{expiresOn}}',
        html: emailHtml('en', ['Hi {{firstName}},', '{{pointsExpiring}} of your points expire on {{expiresOn}}. Spend them before then.'], {
          label: 'Spend my points',
          urlVariable: 'appUrl',
        }),
        text: 'Hi {{firstName}},\n\n{{pointsExpiring}} of your points expire on {{expiresOn}}. Spend them before then.\n\n{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}, {{pointsExpiring}} points expire on {{expiresOn}}. {{appUrl}}' },
      push: { title: 'Points expiring soon', body: '{{firstName}}, {{pointsExpiring}} points expire on {{expiresOn}}.' },
    },
    'zh-CN': {
      email: {
        subject: '{{firstName}}，你有{{pointsExpiring}}积分将于{{expiresOn}}过期',
        html: emailHtml('zh-CN', ['{{firstName}}，你好：', '你有{{pointsExpiring}}积分将于{{expiresOn}}过期，请在此之前使用。'], {
          label: '去使用积分',
          urlVariable: 'appUrl',
        }),
        text: '{{firstName}}，你好：\n\n你有{{pointsExpiring}}积分将于{{expiresOn}}过期，请在此之前使用。\n\n{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}，你有{{pointsExpiring}}积分将于{{expiresOn}}过期。{{appUrl}}' },
      push: { title: '积分即将过期', body: '{{firstName}}，{{pointsExpiring}}积分将于{{expiresOn}}过期。' },
    },
  },
};
