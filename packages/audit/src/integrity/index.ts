export * from './archive-lines';
export * from './checkpoint';
export * from './event-check';
export * from './event-proof';
export * from './leaf';
export * from './verify-archive';
export * from './verify-export';
