// The workflow bundle's entry point: every workflow type the worker registers.
export { outboundSetup } from './outbound-setup';
export { inboundSetup } from './inbound-setup';
export { batchMigration } from './batch-migration';
export { statusQuery } from './progress';
export { signupEvent } from './signup-event';
export { customerLine } from './customer-line';
export { lineEvent } from './line-event';
export { driftScan } from './drift-scan';
