export * from './checkpoint';
export * from './event-check';
export * from './event-proof';
export * from './leaf';
export * from './verify-export';
