export { PROVIDERS, PROVIDER_IDS, isProviderId, type ProviderId } from './catalog';
export type {
  Condition,
  FieldRule,
  FieldSpec,
  InboundProfile,
  InboundTarget,
  OutboundAuth,
  OutboundProfile,
  ProviderProfile,
  Transport,
} from './profile';
export {
  ACL_WITH_DIGEST_RULE,
  PROVIDER_FIELDS,
  inboundDestinationsFor,
  outboundAclIpsFor,
  validateProviderInput,
  type ProviderInput,
} from './validate';
export type { HandoffEntry, HandoffSection, HandoffSheet } from './handoff-sheet';
export {
  SIP_PASSWORD_PLACEHOLDER,
  buildHandoffSheet,
  handoffSheetJson,
  renderHandoffSheet,
  type HandoffSheetArgs,
  type RevealOptions,
} from './handoff';
export { listProviders, type ProviderSummary } from './summary';
export { withProviderDefaults } from './apply';
