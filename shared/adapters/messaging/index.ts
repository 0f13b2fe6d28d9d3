/**
 * The send path's adapters. Other features get the one send path from
 * `composeMessaging().messenger` (shared/composition/messaging.ts); their construct gives the
 * function the environment with `MessagingFeature.grantSend(fn)` (infra/features/messaging.ts).
 */
export * from './config';
export * from './errors';
export { DynamoSuppressionList } from './suppressions';
export type { OutboxMessage } from './message-log';
export type { Messenger } from '../../domain/messaging';
export type { MessengerOptions } from '../../composition/messaging';
