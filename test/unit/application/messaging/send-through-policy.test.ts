import { describe, expect, it } from 'vitest';
import { messengerOver } from '../../../../shared/application/messaging/send-through-policy';
import { fixedClock, InvalidInputError } from '../../../../shared/domain/common';
import { InvalidSendRequestError, type SendRequest } from '../../../../shared/domain/messaging';
import { createTestWorld } from '../../../support/fakes/messaging-ports';
import { consentingProfile, marketingEmailRequest, testSettings } from '../../messaging/support/fixtures';

describe('the messenger', () => {
  it('sends a valid request through the policy on the reservations of its own user', async () => {
    // Prepare
    const clock = fixedClock('2025-03-10T04:00:00.000Z'); // noon in Shanghai
    const world = createTestWorld(clock);
    world.profiles.set('user-1', consentingProfile());
    const askedFor: string[] = [];
    const messenger = messengerOver({ ...world.ports, reservationsOf: (userId) => (askedFor.push(userId), world.reservations) }, clock, async () =>
      testSettings(),
    );

    // Act
    const outcome = await messenger.send(marketingEmailRequest());

    // Assess
    expect(outcome.kind).toBe('sent');
    expect(askedFor).toEqual(['user-1']);
    expect(world.delivered).toHaveLength(1);
  });

  it('refuses a request that does not validate, naming the field, and records nothing', async () => {
    // Prepare
    const clock = fixedClock('2025-03-10T04:00:00.000Z');
    const world = createTestWorld(clock);
    const messenger = messengerOver({ ...world.ports, reservationsOf: () => world.reservations }, clock, async () => testSettings());
    const request = { ...marketingEmailRequest(), channel: 'fax' } as unknown as SendRequest;

    // Act
    const sending = messenger.send(request);

    // Assess
    await expect(sending).rejects.toBeInstanceOf(InvalidSendRequestError);
    await expect(sending).rejects.toBeInstanceOf(InvalidInputError);
    await expect(sending).rejects.toMatchObject({ code: 'invalid-request', problems: [expect.objectContaining({ path: 'channel' })] });
    expect(world.log).toEqual([]);
    expect(world.providerCalls).toEqual([]);
  });
});
