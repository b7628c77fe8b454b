export * from './audit-client';
export * from './context';
export * from './errors';
export * from './redact';
