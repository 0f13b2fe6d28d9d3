import { assertNever } from '../common';
import type { Channel, Locale } from './channel';
import { TemplateNotFoundError, TemplateVariableInvalidError, TemplateVariableMissingError } from './errors';
import type { TemplateData } from './send-request';
import type { MessageTemplate, RenderedMessage, TemplateCatalog } from './template';

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** The variable names a piece of template text uses, in order of first use. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))];
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

// A subject is a mail header: a line break in a value would let it write headers of its own.
const singleLine = (text: string): string => text.replace(/[\r\n]+/g, ' ');
const verbatim = (text: string): string => text;

type Escape = (text: string) => string;

/** Looks a template up; throws {@link TemplateNotFoundError}. */
export function findTemplate(catalog: TemplateCatalog, templateId: string): MessageTemplate {
  const template = Object.hasOwn(catalog.templates, templateId) ? catalog.templates[templateId] : undefined;
  if (template === undefined) throw new TemplateNotFoundError(templateId);
  return template;
}

/**
 * Renders one template for one channel and locale. Throws {@link TemplateVariableMissingError}
 * naming the first variable without a value (a broken template fails here and in the tests,
 * never as a half-filled email) and {@link TemplateVariableInvalidError} for a `…Url` value that
 * is not an http(s) link. Values are HTML-escaped in the email HTML only. When `unsubscribeUrl`
 * is given (marketing email), the localized unsubscribe footer is appended to both email bodies.
 */
export function renderMessage(
  catalog: TemplateCatalog,
  template: MessageTemplate,
  channel: Channel,
  locale: Locale,
  data: TemplateData,
  options: { unsubscribeUrl?: string } = {},
): RenderedMessage {
  const content = template.content[locale];
  const fill = (text: string, escape: Escape, values: TemplateData = data) =>
    text.replace(PLACEHOLDER, (_placeholder, name: string) => {
      const value = Object.hasOwn(values, name) ? values[name] : undefined;
      if (value === undefined) throw new TemplateVariableMissingError(template.id, locale, name);
      const asText = String(value);
      if (name.endsWith('Url') && !isWebLink(asText)) {
        throw new TemplateVariableInvalidError(template.id, name, 'expected an http(s) URL');
      }
      return escape(asText);
    });
  switch (channel) {
    case 'email': {
      let html = fill(content.email.html, escapeHtml);
      let text = fill(content.email.text, verbatim);
      if (options.unsubscribeUrl !== undefined) {
        const footer = catalog.unsubscribeFooter[locale];
        const footerValues = { unsubscribeUrl: options.unsubscribeUrl };
        html = insertBeforeBodyEnd(html, fill(footer.html, escapeHtml, footerValues));
        text += fill(footer.text, verbatim, footerValues);
      }
      return { channel, subject: fill(content.email.subject, singleLine), html, text };
    }
    case 'sms':
      return { channel, text: fill(content.sms.text, verbatim) };
    case 'push':
      return { channel, title: fill(content.push.title, singleLine), body: fill(content.push.body, verbatim) };
    default:
      return assertNever(channel);
  }
}

/** The footer belongs inside the document: before `</body>` when the template has one, else at the end. */
function insertBeforeBodyEnd(html: string, footer: string): string {
  const end = html.lastIndexOf('</body>');
  return end === -1 ? html + footer : html.slice(0, end) + footer + html.slice(end);
}

function isWebLink(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
