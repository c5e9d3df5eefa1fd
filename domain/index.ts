export * from './setup';
export * from './validation';
export * from './naming';
export * from './search-attributes';
export * from './task-queue';
