import { systemClock, type Clock } from '../domain/common';

let installed: Clock = systemClock;

/**
 * The clock handlers read. In AWS it is the system clock; the local runtime installs its virtual
 * clock here so handlers, schedules and state machines all agree on "now" when days are skipped.
 */
export const runtimeClock: Clock = { now: () => installed.now() };

export function installRuntimeClock(clock: Clock): void {
  installed = clock;
}
