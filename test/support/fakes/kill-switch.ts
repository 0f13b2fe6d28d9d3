import type { KillSwitch } from '../../../shared/domain/journeys';

/** The kill switch as a flag a test turns on. */
export class FakeKillSwitch implements KillSwitch {
  active = false;

  async read(): Promise<{ active: boolean }> {
    return { active: this.active };
  }
}
