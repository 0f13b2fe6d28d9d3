import { z } from 'zod';
import { ENV, OperationsTableConfig, UsersTableConfig } from '../../config/tables';
import { parseContactPolicyConfig, unsubscribeUrlFor, type ContactPolicyConfig } from '../../domain/messaging';

/** Environment variable names of the send path, set by infra/features/messaging.ts. */
export const MESSAGING_ENV = {
  fromAddress: 'SES_FROM_ADDRESS',
  configurationSet: 'SES_CONFIGURATION_SET',
  unsubscribeBaseUrl: 'UNSUBSCRIBE_BASE_URL',
  unsubscribeKeySecretArn: 'UNSUBSCRIBE_KEY_SECRET_ARN',
  contactPolicy: 'CONTACT_POLICY_JSON',
  messageLogRetentionDays: 'MESSAGE_LOG_RETENTION_DAYS',
  /** Local runtime only: the unsubscribe signing key, generated per data folder. */
  localUnsubscribeKey: 'REKINDLE_UNSUBSCRIBE_SIGNING_KEY',
} as const;

/** Defaults the CDK app deploys with; each can be overridden in cdk.json context (`rekindle.messaging`). */
export const MESSAGING_DEFAULTS = {
  fromAddress: 'Rekindle <no-reply@rekindle.example.com>',
  messageLogRetentionDays: 400,
  appUrl: 'https://app.example.com',
} as const;

const contactPolicy = z.string({ message: 'is required (JSON; {} is the documented default policy)' }).transform((text, context): ContactPolicyConfig => {
  try {
    return parseContactPolicyConfig(JSON.parse(text));
  } catch (error) {
    context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    return z.NEVER;
  }
});

/** What every process that sends messages reads once from its environment. */
export const MessagingConfig = UsersTableConfig.extend(OperationsTableConfig.shape).extend({
  [MESSAGING_ENV.fromAddress]: z.string().min(3),
  [MESSAGING_ENV.configurationSet]: z.string().min(1),
  // Checked at start-up rather than on the first marketing email: RFC 8058 needs https (http only on loopback).
  [MESSAGING_ENV.unsubscribeBaseUrl]: z.url().refine((url) => {
    try {
      unsubscribeUrlFor(url, 'check');
      return true;
    } catch {
      return false;
    }
  }, 'must be an https URL (http only on localhost)'),
  [MESSAGING_ENV.unsubscribeKeySecretArn]: z.string().min(1),
  [MESSAGING_ENV.contactPolicy]: contactPolicy,
  [MESSAGING_ENV.messageLogRetentionDays]: z.coerce.number().int().positive(),
  REKINDLE_LOCAL: z.enum(['true', 'false']).optional(),
  [MESSAGING_ENV.localUnsubscribeKey]: z.string().min(32).optional(),
});
export type MessagingConfig = z.infer<typeof MessagingConfig>;

export { ENV };
