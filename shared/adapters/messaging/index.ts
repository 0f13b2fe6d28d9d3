/**
 * The send path's adapters. Other features import {@link createMessenger} from here and call it
 * in-process from their own Lambdas; their construct gives the function the environment with
 * `MessagingFeature.grantSend(fn)` (infra/features/messaging.ts).
 */
export * from './config';
export * from './errors';
export * from './messenger';
export { DynamoSuppressionList } from './suppressions';
export type { OutboxMessage } from './message-log';
