import type { Locale } from './channel';

export interface EmailContent {
  subject: string;
  html: string;
  text: string;
}
export interface SmsContent {
  text: string;
}
export interface PushContent {
  title: string;
  body: string;
}

/** One template's text in one locale, for every channel. Placeholders are `{{variableName}}`. */
export interface LocalizedContent {
  email: EmailContent;
  sms: SmsContent;
  push: PushContent;
}

/**
 * A message template. `variables` declares every placeholder the content uses, in both locales;
 * the catalog test fails on a placeholder that is not declared or a declared one not used.
 * Variables named `…Url` must be http(s) links.
 */
export interface MessageTemplate {
  id: string;
  description: string;
  variables: readonly string[];
  content: Record<Locale, LocalizedContent>;
}

/** Footer appended to marketing email, with the one `{{unsubscribeUrl}}` placeholder. */
export interface UnsubscribeFooter {
  html: string;
  text: string;
}

/** Every template the send path can use, and the localized unsubscribe footer. */
export interface TemplateCatalog {
  templates: Readonly<Record<string, MessageTemplate>>;
  unsubscribeFooter: Record<Locale, UnsubscribeFooter>;
}

/** A message ready for a provider. */
export type RenderedMessage =
  { channel: 'email'; subject: string; html: string; text: string } | { channel: 'sms'; text: string } | { channel: 'push'; title: string; body: string };
