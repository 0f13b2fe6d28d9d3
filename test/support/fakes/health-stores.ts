import type { KillSwitchState, KillSwitchStore } from '../../../shared/domain/messaging';
import { SAMPLES_KEPT } from '../../../shared/domain/health';
import type {
  AlertPublisher,
  AlertStore,
  FeatureFeedbackCounts,
  FeedbackCounters,
  FeedbackFact,
  HealthAlert,
  HealthDay,
  HealthSeriesStore,
  HealthTallyStore,
  Incident,
  IncidentStore,
  MessageDayCounts,
  MessageOutcomeCounter,
  TallyChunk,
} from '../../../shared/domain/health';

/** The health ports in memory, with what was published kept for assertions. */
export class InMemoryHealthStores
  implements HealthSeriesStore, HealthTallyStore, AlertStore, IncidentStore, AlertPublisher, MessageOutcomeCounter, FeedbackCounters
{
  readonly days = new Map<string, HealthDay>();
  readonly chunks = new Map<string, TallyChunk>();
  readonly alerts = new Map<string, HealthAlert>();
  readonly incidents = new Map<string, Incident>();
  readonly published: HealthAlert[] = [];
  messageCounts: MessageDayCounts = { sent: 0, complaints: 0, bounces: 0, unsubscribes: 0 };
  readonly feedbackFacts = new Set<string>();
  readonly feedbackCounts = new Map<string, FeatureFeedbackCounts>();

  async putDay(day: HealthDay) {
    this.days.set(day.day, structuredClone(day));
  }
  async getDay(day: string) {
    return this.days.get(day) ?? null;
  }
  async listDays(from: string, to: string) {
    return [...this.days.values()].filter((d) => d.day >= from && d.day <= to).sort((a, b) => (a.day < b.day ? -1 : 1));
  }
  async putChunk(chunk: TallyChunk) {
    this.chunks.set(`${chunk.day}#${chunk.runId}#${chunk.segment}#${chunk.chunk}`, structuredClone(chunk));
  }
  async listChunks(day: string) {
    return [...this.chunks.values()].filter((chunk) => chunk.day === day);
  }
  async raise(alert: HealthAlert) {
    if (this.alerts.has(alert.alertId)) return false;
    this.alerts.set(alert.alertId, alert);
    return true;
  }
  async listAlerts(from: string, to: string) {
    return [...this.alerts.values()].filter((a) => a.day >= from && a.day <= to);
  }
  async open(incident: Incident) {
    if (this.incidents.has(incident.incidentId)) return false;
    this.incidents.set(incident.incidentId, incident);
    return true;
  }
  async get(incidentId: string) {
    return this.incidents.get(incidentId) ?? null;
  }
  async replace(incident: Incident, expected: Incident['status']) {
    if (this.incidents.get(incident.incidentId)?.status !== expected) return false;
    this.incidents.set(incident.incidentId, incident);
    return true;
  }
  async list() {
    return [...this.incidents.values()];
  }
  async publish(alert: HealthAlert) {
    this.published.push(alert);
  }
  async countDay() {
    return this.messageCounts;
  }
  async add(fact: FeedbackFact) {
    if (this.feedbackFacts.has(fact.factId)) return 'already-counted' as const;
    this.feedbackFacts.add(fact.factId);
    const key = `${fact.week}#${fact.feature}`;
    const counts = this.feedbackCounts.get(key) ?? { feature: fact.feature, total: 0, negative: 0, ratingSum: 0, samples: [] };
    counts.total += 1;
    counts.ratingSum += fact.rating;
    if (fact.negative) counts.negative += 1;
    if (fact.sample !== undefined && counts.samples.length < SAMPLES_KEPT) counts.samples.push(fact.sample);
    this.feedbackCounts.set(key, counts);
    return 'counted' as const;
  }
  async countsOfWeek(week: string) {
    return [...this.feedbackCounts].filter(([key]) => key.startsWith(`${week}#`)).map(([, counts]) => structuredClone(counts));
  }
}

/** The kill switch store in memory. */
export class InMemoryKillSwitchStore implements KillSwitchStore {
  state: KillSwitchState = { active: false };
  async read() {
    return this.state;
  }
  async write(state: KillSwitchState) {
    this.state = state;
  }
}
