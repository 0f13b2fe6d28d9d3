// Imported by the console's browser bundle too: the module itself, not the barrel, which would bring zod.
import { assertNever } from '../common/assert-never';
import type { Channel } from './channel';

/**
 * `alice.smith@example.com` → `a***@e***.com`: enough for a person to tell two users apart in a
 * log, not enough to write to them. Anything that is not an address masks completely.
 */
export function maskEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return '***';
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1);
  const lastDot = domain.lastIndexOf('.');
  const topLevel = lastDot > 0 ? domain.slice(lastDot) : '';
  return `${[...local][0]}***@${[...domain][0]}***${topLevel}`;
}

/**
 * `+8613812345678` → `+*********5678`: the last four digits only, the leading `+` kept. Numbers
 * too short to hide anything by showing four digits mask completely.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const prefix = phone.trim().startsWith('+') ? '+' : '';
  if (digits.length < 8) return `${prefix}${'*'.repeat(digits.length)}` || '***';
  return `${prefix}${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/** A push endpoint ARN keeps its last six characters, enough to correlate with SNS logs. */
export function maskPushEndpoint(endpoint: string): string {
  return endpoint.length <= 12 ? '***' : `***${endpoint.slice(-6)}`;
}

/** Masks a contact point for the channel it belongs to. */
export function maskContactPoint(channel: Channel, value: string): string {
  switch (channel) {
    case 'email':
      return maskEmail(value);
    case 'sms':
      return maskPhone(value);
    case 'push':
      return maskPushEndpoint(value);
    default:
      return assertNever(channel);
  }
}

const EMAIL_IN_TEXT = /[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[^\s@<>"'(),;:]+/g;
const PHONE_IN_TEXT = /\+?\d[\d\s().-]{6,}\d/g;

/**
 * Masks anything that looks like an email address or a phone number inside free text. Provider
 * error messages quote the recipient ("…failed the check: alice@example.com"), and they end up in
 * outcomes and logs.
 */
export function redactContactPoints(text: string): string {
  return text.replace(EMAIL_IN_TEXT, (email) => maskEmail(email)).replace(PHONE_IN_TEXT, (phone) => maskPhone(phone));
}
