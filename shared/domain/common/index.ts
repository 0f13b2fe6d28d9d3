/** The one vocabulary every feature imports: ids, channels, locales, time zones, days, clocks, errors. */
export * from './assert-never';
export * from './channels';
export * from './clock';
export * from './days';
export * from './errors';
export * from './ids';
export * from './validation';
export * from './wall-clock';
