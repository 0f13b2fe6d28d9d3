import type { Clock } from '../../domain/common';
import type { KillSwitchReader, KillSwitchState, KillSwitchStore } from '../../domain/messaging';

/** Whether non-core sends are stopped, since when, why and by whom. */
export function readKillSwitch(ports: { killSwitch: KillSwitchReader }): Promise<KillSwitchState> {
  return ports.killSwitch.read();
}

/** Turns the system-wide kill switch on or off; a reason is required either way, so the change is explained. */
export async function changeKillSwitch(
  change: { active: boolean; reason: string; by: string },
  ports: { killSwitch: KillSwitchStore; clock: Clock },
): Promise<KillSwitchState> {
  const now = ports.clock.now();
  const state: KillSwitchState = change.active ? { active: true, reason: change.reason, since: now.toISOString(), by: change.by } : { active: false };
  await ports.killSwitch.write(state, now);
  return state;
}
