/** The loyalty use cases, one file per sub-feature, each over the ports of shared/domain/loyalty/ports.ts. */
export * from './check-in';
export * from './count-growth-event';
export * from './count-loyalty-event';
export * from './count-program-event';
export * from './enroll-in-checkin';
export * from './incentives';
export * from './loyalty-messages';
export * from './monthly-draw';
export * from './points-and-programs';
export * from './referrals';
export * from './reward-grants';
export * from './sweep-checkin-programs';
export * from './redeem-points';
export * from './programs-report';
