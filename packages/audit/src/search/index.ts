export * from './facets';
export * from './search-syntax';
export * from './search-terms';
