import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { RolloutAlerts } from '../../domain/experiments';
import { logger } from '../observability/logger';

let client: SNSClient | undefined;

/** Tells people a rollout halted: the alarm topic (the same the health alerts go to), and the log. */
export class SnsRolloutAlerts implements RolloutAlerts {
  constructor(private readonly topicArn: string) {}

  async halted(alert: Parameters<RolloutAlerts['halted']>[0]): Promise<void> {
    logger.warn('rollout halted by a guardrail', { journeyId: alert.journeyId, stage: alert.stage, breaches: alert.breaches });
    client ??= new SNSClient({ maxAttempts: 3 });
    const summary = alert.breaches.map((breach) => `${breach.guardrail} ${breach.observed.toFixed(4)} (limit ${breach.limit})`).join(', ');
    await client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: `Rekindle rollout halted: ${alert.journeyId}`.slice(0, 100),
        Message: JSON.stringify({
          kind: 'rollout-halted',
          ...alert,
          message: `Journey ${alert.journeyId} halted at stage ${alert.stage + 1}: ${summary}. Resume (POST /v1/journeys/${alert.journeyId}/resume) or stop it.`,
        }),
      }),
    );
  }
}
