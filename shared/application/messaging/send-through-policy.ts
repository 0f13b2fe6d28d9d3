import type { Clock } from '../../domain/common';
import { InvalidSendRequestError, SendRequest, type Messenger, type SendPorts, type SendReservations } from '../../domain/messaging';
import { sendMessage, type SendSettings } from './send-message';

/** What the messenger is built over: the send path's ports, with the reservations of each user. */
export interface MessengerPorts extends Omit<SendPorts, 'reservations'> {
  /** The conditional reservation store under one user's partition. */
  reservationsOf(userId: string): SendReservations;
}

/**
 * The {@link Messenger} every feature calls: validates the request at the edge of the send path
 * (a bad one throws {@link InvalidSendRequestError}, nothing recorded), then runs the one policy
 * and the exactly-once send, {@link sendMessage}. Settings load lazily (the unsubscribe keyring is
 * a secret read), once per process.
 */
export function messengerOver(ports: MessengerPorts, clock: Clock, settings: () => Promise<SendSettings>): Messenger {
  return {
    async send(input) {
      const parsed = SendRequest.safeParse(input);
      if (!parsed.success) {
        throw new InvalidSendRequestError(parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })));
      }
      const request = parsed.data;
      const { reservationsOf, ...base } = ports;
      return sendMessage(request, { ...base, reservations: reservationsOf(request.userId) }, clock, await settings());
    },
  };
}
