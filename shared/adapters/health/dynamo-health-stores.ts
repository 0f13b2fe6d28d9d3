import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertStore, HealthAlert, HealthDay, HealthSeriesStore, HealthTallyStore, Incident, IncidentStore, TallyChunk } from '../../domain/health';

/**
 * Health items in the operations table. Every partition is written at most a few times a day
 * (one series point, a few alerts, the tally chunks of one night), so none is hot:
 *   pk HEALTH#DAY                 sk <day>                              the time series
 *   pk HEALTH#TALLY#<day>         sk <runId>#<segment>#<chunk>          the nightly scan's chunks
 *   pk HEALTH#ALERT#<yyyy-mm>     sk <alertId>                          alerts, raised once
 *   pk HEALTH#INCIDENT            sk <incidentId>                       STOP incidents
 * (the message outcome counters are in message-outcome-counters.ts).
 * The items are the stored shapes themselves, written only by this module and read back as written.
 */
const keys = {
  day: (day: string) => ({ pk: 'HEALTH#DAY', sk: day }),
  tallyPk: (day: string) => `HEALTH#TALLY#${day}`,
  alert: (alert: Pick<HealthAlert, 'day' | 'alertId'>) => ({ pk: `HEALTH#ALERT#${alert.day.slice(0, 7)}`, sk: alert.alertId }),
  incident: (incidentId: string) => ({ pk: 'HEALTH#INCIDENT', sk: incidentId }),
};

const monthsBetween = (from: string, to: string) => {
  const months: string[] = [];
  for (let month = from.slice(0, 7); month <= to.slice(0, 7);) {
    months.push(month);
    const [year, m] = month.split('-').map(Number) as [number, number];
    month = m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
  }
  return months;
};

export class DynamoHealthStores implements HealthSeriesStore, HealthTallyStore, AlertStore, IncidentStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async queryAll(pk: string, range?: { from: string; to: string }): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: range ? 'pk = :pk AND sk BETWEEN :from AND :to' : 'pk = :pk',
          ExpressionAttributeValues: range ? { ':pk': pk, ':from': range.from, ':to': range.to } : { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  async putDay(day: HealthDay): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.day(day.day), point: day } }));
  }

  async getDay(day: string): Promise<HealthDay | null> {
    const answer = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.day(day), ConsistentRead: true }));
    return (answer.Item?.point as HealthDay | undefined) ?? null;
  }

  async listDays(from: string, to: string): Promise<HealthDay[]> {
    return (await this.queryAll('HEALTH#DAY', { from, to })).map((item) => item.point as HealthDay);
  }

  async putChunk(chunk: TallyChunk): Promise<void> {
    const sk = `${chunk.runId}#${String(chunk.segment).padStart(4, '0')}#${chunk.chunk}`;
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: keys.tallyPk(chunk.day), sk, chunk } }));
  }

  async listChunks(day: string): Promise<TallyChunk[]> {
    return (await this.queryAll(keys.tallyPk(day))).map((item) => item.chunk as TallyChunk);
  }

  async raise(alert: HealthAlert): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({ TableName: this.tableName, Item: { ...keys.alert(alert), alert }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async listAlerts(from: string, to: string): Promise<HealthAlert[]> {
    const pages = await Promise.all(monthsBetween(from, to).map((month) => this.queryAll(`HEALTH#ALERT#${month}`)));
    return pages
      .flat()
      .map((item) => item.alert as HealthAlert)
      .filter((alert) => alert.day >= from && alert.day <= to);
  }

  async open(incident: Incident): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.incident(incident.incidentId), status: incident.status, incident },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(incidentId: string): Promise<Incident | null> {
    const answer = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.incident(incidentId), ConsistentRead: true }));
    return (answer.Item?.incident as Incident | undefined) ?? null;
  }

  async replace(incident: Incident, expected: Incident['status']): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.incident(incident.incidentId), status: incident.status, incident },
          ConditionExpression: '#status = :expected',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':expected': expected },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async list(): Promise<Incident[]> {
    return (await this.queryAll('HEALTH#INCIDENT')).map((item) => item.incident as Incident);
  }
}
