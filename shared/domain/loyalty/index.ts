/**
 * Loyalty domain: points ledger and growth value, the check-in program, referrals, key-behaviour
 * incentives, the monthly reward budget and the monthly draw. Pure rules plus the ports their
 * effects go through (ports.ts); the use cases live in shared/application/loyalty, the adapters
 * in shared/adapters/loyalty.
 */
export { assertNever } from '../common';
export * from './checkin-program';
export * from './checkin-run';
export * from './errors';
export * from './growth';
export * from './ids';
export * from './incentives';
export * from './ledger';
export * from './local-day';
export * from './monthly-draw';
export * from './points-expiry';
export * from './ports';
export * from './referrals';
export * from './reward-budget';
export * from './rewards';
export * from './program-report';
