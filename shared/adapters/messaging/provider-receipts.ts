import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { assertNever, ProviderReceipt, type Channel, type ProviderRecord, type ProviderRecords } from '../../domain/messaging';
import { expiresAfterDays } from '../dynamodb/keys';
import { CorruptMessagingItemError } from './errors';
import { messagingKeys } from './keys';
import type { OutboxMessage } from './message-log';

/**
 * Far longer than any message can stay in doubt (the evidence horizon is an hour by default): the
 * receipt is only evidence for the sweep, not a record of the message.
 */
const RECEIPT_RETENTION_DAYS = 30;

export { ProviderReceipt } from '../../domain/messaging';

/**
 * Provider receipts in the operations table, keyed by our message id (high cardinality, no hot
 * key). Every event of one message carries the same provider id and timestamp, so a redelivered or
 * later event rewrites the same values: recording is idempotent.
 */
export class DynamoProviderReceipts {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly operationsTable: string,
  ) {}

  async record(receipt: ProviderReceipt): Promise<void> {
    const valid = ProviderReceipt.parse(receipt);
    await this.client.send(
      new PutCommand({
        TableName: this.operationsTable,
        Item: { ...messagingKeys.providerReceiptKey(valid.messageId), receipt: valid, expiresAt: expiresAfterDays(valid.acceptedAt, RECEIPT_RETENTION_DAYS) },
      }),
    );
  }

  async find(messageId: string): Promise<ProviderReceipt | undefined> {
    const answer = await this.client.send(
      new GetCommand({ TableName: this.operationsTable, Key: messagingKeys.providerReceiptKey(messageId), ConsistentRead: true }),
    );
    if (answer.Item === undefined) return undefined;
    const parsed = ProviderReceipt.safeParse(answer.Item.receipt);
    if (!parsed.success) throw new CorruptMessagingItemError('provider receipt', { cause: parsed.error });
    return parsed.data;
  }
}

/**
 * Where the evidence of each channel lives:
 * - email: the SES receipt, written by the feedback handler from SES configuration-set events (the
 *   configuration set publishes a Send event for every message SES accepts, tagged with our id);
 * - SMS and push on the local runtime: the outbox item the local sender writes as it "delivers";
 * - SMS and push in AWS: nothing. SNS takes no tags back and its delivery logs name only its own
 *   id, which the crashed attempt never got, so those keys cannot be proven either way.
 * A receipt found for any channel is evidence enough.
 */
export class ProviderEvidenceRecords implements ProviderRecords {
  constructor(
    private readonly receipts: Pick<DynamoProviderReceipts, 'find'>,
    /** The local runtime's outbox; absent in AWS. */
    private readonly localOutbox: { findOutbox(userId: string, messageId: string): Promise<OutboxMessage | undefined> } | undefined,
  ) {}

  async lookup(message: { userId: string; messageId: string; channel: Channel | undefined }): Promise<ProviderRecord> {
    const receipt = await this.receipts.find(message.messageId);
    if (receipt) return { kind: 'found', providerMessageId: receipt.providerMessageId, at: receipt.acceptedAt };
    switch (message.channel) {
      case 'email':
        return { kind: 'not-found' };
      case 'sms':
      case 'push': {
        if (this.localOutbox === undefined) return { kind: 'no-source' };
        const delivered = await this.localOutbox.findOutbox(message.userId, message.messageId);
        return delivered ? { kind: 'found', providerMessageId: delivered.providerMessageId, at: delivered.sentAt } : { kind: 'not-found' };
      }
      case undefined:
        return { kind: 'no-source' };
      default:
        return assertNever(message.channel);
    }
  }
}
