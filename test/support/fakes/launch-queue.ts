import type { EnrollmentMessage, LaunchQueue } from '../../../shared/domain/journeys';

/** The launch queue in memory: what was enqueued, in order. */
export class InMemoryLaunchQueue implements LaunchQueue {
  readonly messages: EnrollmentMessage[] = [];

  async enqueue(messages: readonly EnrollmentMessage[]): Promise<void> {
    this.messages.push(...messages);
  }
}
