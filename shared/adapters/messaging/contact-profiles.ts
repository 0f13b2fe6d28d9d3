import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoUserStore } from '../dynamodb/user-store';
import type { ContactProfile, ContactProfiles } from '../../domain/messaging';
import type { UserProfile } from '../../domain/profiles/user-profile';

/**
 * The profile's boolean consents mapped to the policy's three states. A stored `false` is either
 * "never asked" or "switched off"; the profile cannot tell them apart, so it is read as `denied`:
 * the cautious reading, which also refuses core SMS and push to a user who never opted in.
 */
export function toContactProfile(profile: UserProfile): ContactProfile {
  const decile = profile.attributes.valueDecile;
  return {
    userId: profile.userId,
    ...(profile.email ? { email: profile.email } : {}),
    ...(profile.phone ? { phone: profile.phone } : {}),
    ...(profile.pushToken ? { pushEndpoint: profile.pushToken } : {}),
    timeZone: profile.timeZone,
    locale: profile.locale,
    consents: {
      email: profile.consents.email ? 'granted' : 'denied',
      sms: profile.consents.sms ? 'granted' : 'denied',
      push: profile.consents.push ? 'granted' : 'denied',
    },
    // Scoring writes these once it runs; until then every user gets the standard budget.
    ...(typeof decile === 'number' && Number.isInteger(decile) && decile >= 1 && decile <= 10 ? { valueDecile: decile } : {}),
    highValue: profile.attributes.highValue === true,
  };
}

/** Reads the contact side of the profile stored by the ingestion feature. */
export class DynamoContactProfiles implements ContactProfiles {
  private readonly store: DynamoUserStore;
  constructor(client: DynamoDBDocumentClient, usersTable: string) {
    // Only getProfile is used, which does not look at the aggregate retention.
    this.store = new DynamoUserStore(client, usersTable, 1);
  }

  async findContactProfile(userId: string): Promise<ContactProfile | undefined> {
    const profile = await this.store.getProfile(userId);
    return profile === null ? undefined : toContactProfile(profile);
  }
}
