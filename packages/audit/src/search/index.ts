export * from './facets';
export * from './log-view';
export * from './search-syntax';
export * from './search-terms';
