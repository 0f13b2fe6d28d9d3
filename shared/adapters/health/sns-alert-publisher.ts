import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AlertPublisher, HealthAlert } from '../../domain/health';

let client: SNSClient | undefined;

/** Publishes each alert to the alarm topic: subject with level and day, body the alert as JSON (with its playbook). */
export class SnsAlertPublisher implements AlertPublisher {
  constructor(private readonly topicArn: string) {}

  async publish(alert: HealthAlert): Promise<void> {
    client ??= new SNSClient({ maxAttempts: 3 });
    await client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: `Rekindle ${alert.level} alert ${alert.day}`.slice(0, 100),
        Message: JSON.stringify({ ...alert, message: `${alert.summary}. ${alert.playbook}` }),
      }),
    );
  }
}
