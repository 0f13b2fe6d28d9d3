import { describe, expect, it } from 'vitest';
import {
  channels,
  findTemplate,
  locales,
  placeholdersIn,
  renderMessage,
  TemplateNotFoundError,
  TemplateVariableInvalidError,
  TemplateVariableMissingError,
  type LocalizedContent,
  type MessageTemplate,
} from '../../../shared/domain/messaging';
import { messageTemplates, templateIds } from '../../../shared/templates';

function textsOf(content: LocalizedContent): string[] {
  return [content.email.subject, content.email.html, content.email.text, content.sms.text, content.push.title, content.push.body];
}

/** A plausible value per variable: links must be links, everything else any text. */
function sampleData(template: MessageTemplate): Record<string, string> {
  return Object.fromEntries(template.variables.map((name) => [name, name.endsWith('Url') ? `https://app.example.com/${name}` : `<${name}-value>`]));
}

const allTemplates = Object.values(messageTemplates.templates);

describe('message templates', () => {
  it('the catalog holds every template the features need', () => {
    expect([...templateIds].sort()).toEqual(
      [
        'checkin-reminder',
        'checkin-summary',
        'coupon-issued',
        'level-up',
        'lifecycle-second-purchase',
        'lifecycle-welcome',
        'lifecycle-welcome-tips',
        'onboarding-reminder',
        'points-expiring',
        'recall-r1',
        'recall-r2',
        'recall-r3',
        'recall-r4',
        'recall-r5',
        'test-message',
      ].sort(),
    );
  });

  describe.each(allTemplates.map((template) => [template.id, template] as const))('%s', (_id, template) => {
    it.each(locales)('in %s uses exactly its declared variables', (locale) => {
      // Act
      const used = new Set(textsOf(template.content[locale]).flatMap(placeholdersIn));
      // Assess: nothing missing from the declaration, nothing declared and never used.
      expect([...used].sort()).toEqual([...template.variables].sort());
    });

    it.each(locales)('in %s renders on every channel with its declared variables', (locale) => {
      for (const channel of channels) {
        // Act
        const rendered = renderMessage(messageTemplates, template, channel, locale, sampleData(template), { unsubscribeUrl: 'https://u.example.com/?token=t' });
        // Assess
        const output = Object.values(rendered).join('\n');
        expect(output).not.toMatch(/\{\{|\}\}/);
        expect(output.length).toBeGreaterThan(20);
      }
    });

    it('names the first missing variable', () => {
      const [first, ...rest] = template.variables;
      const data = Object.fromEntries(rest.map((name) => [name, name.endsWith('Url') ? 'https://x.example.com' : 'x']));
      expect(() => renderMessage(messageTemplates, template, 'email', 'zh-CN', data)).toThrow(TemplateVariableMissingError);
      try {
        renderMessage(messageTemplates, template, 'email', 'zh-CN', data);
      } catch (error) {
        expect(error).toMatchObject({ name: 'TemplateVariableMissingError', variable: first, templateId: template.id, locale: 'zh-CN' });
      }
    });
  });

  it('escapes values in email HTML but not in the plain text or SMS', () => {
    // Prepare
    const template = findTemplate(messageTemplates, 'test-message');
    const data = { firstName: '<script>alert("x")</script>', sentBy: 'Tom & Jerry', appUrl: 'https://app.example.com/?a=1&b=2' };
    // Act
    const email = renderMessage(messageTemplates, template, 'email', 'en', data);
    const sms = renderMessage(messageTemplates, template, 'sms', 'en', data);
    // Assess
    if (email.channel !== 'email' || sms.channel !== 'sms') throw new Error('wrong channel');
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(email.html).toContain('Tom &#38; Jerry');
    expect(email.html).toContain('href="https://app.example.com/?a=1&#38;b=2"');
    expect(email.text).toContain('Tom & Jerry');
    expect(sms.text).toContain('<script>alert("x")</script>');
  });

  it('keeps a subject on one line so a value cannot add mail headers', () => {
    const template = findTemplate(messageTemplates, 'test-message');
    const email = renderMessage(messageTemplates, template, 'email', 'en', {
      firstName: 'A\r\nBcc: victim@example.com',
      sentBy: 'ops',
      appUrl: 'https://a.example.com',
    });
    expect(email.channel === 'email' && email.subject).toBe('Rekindle test message for A Bcc: victim@example.com');
  });

  it('refuses a link variable that is not http(s)', () => {
    const template = findTemplate(messageTemplates, 'test-message');
    expect(() => renderMessage(messageTemplates, template, 'email', 'en', { firstName: 'A', sentBy: 'ops', appUrl: 'javascript:alert(1)' })).toThrow(
      TemplateVariableInvalidError,
    );
  });

  it('appends the localized unsubscribe footer only when asked, to both bodies', () => {
    const template = findTemplate(messageTemplates, 'recall-r1');
    const data = { firstName: '小明', appUrl: 'https://app.example.com' };
    const withFooter = renderMessage(messageTemplates, template, 'email', 'zh-CN', data, { unsubscribeUrl: 'https://u.example.com/?token=abc' });
    const without = renderMessage(messageTemplates, template, 'email', 'zh-CN', data);
    if (withFooter.channel !== 'email' || without.channel !== 'email') throw new Error('wrong channel');
    expect(withFooter.html).toContain('<a href="https://u.example.com/?token=abc">一键退订</a>');
    // Inside the document, not after it.
    expect(withFooter.html.endsWith('</body></html>')).toBe(true);
    expect(withFooter.html.indexOf('一键退订')).toBeLessThan(withFooter.html.indexOf('</body>'));
    expect(withFooter.text).toContain('一键退订：https://u.example.com/?token=abc');
    expect(without.html).not.toContain('退订');
    expect(withFooter.subject).toBe('小明，本周有新内容');
  });

  it('the unsubscribe footers use exactly the unsubscribeUrl variable', () => {
    for (const locale of locales) {
      const footer = messageTemplates.unsubscribeFooter[locale];
      expect([...new Set([footer.html, footer.text].flatMap(placeholdersIn))]).toEqual(['unsubscribeUrl']);
    }
  });

  it('an unknown template id is a typed error, and prototype names are not templates', () => {
    expect(() => findTemplate(messageTemplates, 'recall-r9')).toThrow(TemplateNotFoundError);
    expect(() => findTemplate(messageTemplates, 'toString')).toThrow(TemplateNotFoundError);
  });
});
