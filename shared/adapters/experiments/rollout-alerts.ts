import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { rolloutHaltedAlert, type RolloutAlerts, type RolloutHaltAlert } from '../../domain/experiments';
import type { AlertStore } from '../../domain/health';
import { logger } from '../observability/logger';

let client: SNSClient | undefined;

/**
 * Tells people a rollout halted, once per halt: the health feature's alert list (GET /v1/alerts,
 * `rekindle alerts`), then the alarm topic (the same the health alerts go to) and the log, only
 * when the alert is new, so a retried or repeated evaluation publishes nothing twice.
 */
export class HealthListRolloutAlerts implements RolloutAlerts {
  constructor(
    private readonly alerts: Pick<AlertStore, 'raise'>,
    private readonly timeZone: string,
    private readonly topicArn: string,
  ) {}

  async halted(halt: RolloutHaltAlert): Promise<boolean> {
    const alert = rolloutHaltedAlert(halt, this.timeZone);
    if (!(await this.alerts.raise(alert))) return false;
    logger.warn('rollout halted by a guardrail', { journeyId: halt.journeyId, stage: halt.stage, breaches: halt.breaches });
    client ??= new SNSClient({ maxAttempts: 3 });
    await client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: `Rekindle rollout halted: ${halt.journeyId}`.slice(0, 100),
        Message: JSON.stringify({
          kind: 'rollout-halted',
          ...halt,
          alertId: alert.alertId,
          message: `${alert.summary}. Resume (POST /v1/journeys/${halt.journeyId}/resume) or stop it.`,
        }),
      }),
    );
    return true;
  }
}
