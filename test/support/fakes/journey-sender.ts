import type { ChannelSend, JourneySender, JourneyStepSend } from '../../../shared/domain/journeys';
import type { SendOutcome } from '../../../shared/domain/messaging';

/** A sender that answers the outcome a test chose per channel (sent by default) and remembers each send. */
export class FakeJourneySender implements JourneySender {
  readonly sends: JourneyStepSend[] = [];
  readonly outcomes = new Map<string, SendOutcome>();

  async sendStep(send: JourneyStepSend): Promise<ChannelSend[]> {
    this.sends.push(send);
    return send.step.channels.map((channel) => ({
      channel,
      outcome: this.outcomes.get(channel) ?? {
        kind: 'sent',
        messageId: `${send.executionName}:${send.step.index}:${channel}`,
        providerMessageId: 'provider-1',
      },
    }));
  }
}
