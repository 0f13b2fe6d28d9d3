import type { MessageTemplate } from '../domain/messaging/template';
import { emailHtml } from './email-layout';

/** Sent from the console or the CLI to check a channel end to end. */
export const testMessage: MessageTemplate = {
  id: 'test-message',
  description: 'Operator test message',
  variables: ['firstName', 'sentBy', 'appUrl'],
  content: {
    en: {
      email: {
        subject: 'Rekindle test message for {{firstName}}',
        html: emailHtml('en', ['Hi {{firstName}},', 'This is a test message sent by {{sentBy}}. No action is needed.'], {
          label: 'Open the app',
          urlVariable: 'appUrl',
        }),
        text: 'Hi {{firstName}},\n\nThis is a test message sent by {{sentBy}}. No action is needed.\n\n{{appUrl}}\n',
      },
      sms: { text: 'Rekindle test for {{firstName}} from {{sentBy}}. {{appUrl}}' },
      push: { title: 'Rekindle test', body: 'Test message for {{firstName}} from {{sentBy}}.' },
    },
    'zh-CN': {
      email: {
        subject: '{{firstName}}的 Rekindle 测试消息',
        html: emailHtml('zh-CN', ['{{firstName}}，你好：', '这是由{{sentBy}}发送的测试消息，无需任何操作。'], { label: '打开应用', urlVariable: 'appUrl' }),
        text: '{{firstName}}，你好：\n\n这是由{{sentBy}}发送的测试消息，无需任何操作。\n\n{{appUrl}}\n',
      },
      sms: { text: '{{firstName}}的 Rekindle 测试消息，发送人{{sentBy}}。{{appUrl}}' },
      push: { title: 'Rekindle 测试', body: '{{firstName}}，这是{{sentBy}}发送的测试消息。' },
    },
  },
};
