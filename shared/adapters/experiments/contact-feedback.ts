import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ContactFeedback, ContactFeedbackReader } from '../../domain/experiments';
import { contactPointFingerprint, contactPointFor, type SuppressionList } from '../../domain/messaging';
import { DynamoContactProfiles } from '../messaging/contact-profiles';

/**
 * The guardrails' signals from the messaging feature's suppression list: an unsubscribe or a
 * complaint by the user, a hard bounce of their email address, each since the given moment.
 */
export class SuppressionContactFeedback implements ContactFeedbackReader {
  private readonly profiles: DynamoContactProfiles;
  constructor(
    client: DynamoDBDocumentClient,
    usersTable: string,
    private readonly suppressions: SuppressionList,
  ) {
    this.profiles = new DynamoContactProfiles(client, usersTable);
  }

  async feedbackSince(userId: string, since: Date): Promise<ContactFeedback> {
    const profile = await this.profiles.findContactProfile(userId);
    const email = profile === undefined ? undefined : contactPointFor(profile, 'email');
    const entries = await this.suppressions.listFor({
      userId,
      channel: 'email',
      contactPointFingerprint: email === undefined ? '' : contactPointFingerprint('email', email),
    });
    const after = entries.filter((entry) => Date.parse(entry.at) >= since.getTime());
    return {
      unsubscribed: after.some((entry) => entry.kind === 'unsubscribe'),
      complained: after.some((entry) => entry.kind === 'complaint'),
      bounced: after.some((entry) => entry.kind === 'hard-bounce'),
    };
  }
}
