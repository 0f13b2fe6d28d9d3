/**
 * Loyalty domain: points ledger and growth value, the check-in program, referrals, key-behaviour
 * incentives, the monthly reward budget and the monthly draw. Pure rules plus the ports their
 * effects go through; adapters live in shared/adapters.
 */
export { assertNever } from '../common';
export * from './checkin-program';
export * from './errors';
export * from './growth';
export * from './ids';
export * from './in-memory-ledger-store';
export * from './incentives';
export * from './ledger';
export * from './local-day';
export * from './monthly-draw';
export * from './points-expiry';
export * from './referrals';
export * from './reward-budget';
export * from './rewards';
export * from './checkin-service';
