export * from './frontier';
export * from './hash';
export * from './proof-check';
export * from './prove';
export * from './ranges';
