export * from './audit-context';
export * from './outbox-relay';
