import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { SetupRequest } from './setup';

// What ops filter setups by in the Temporal UI. Never a secret: search attributes are not encrypted.
export const SearchAttributes = {
  customerId: defineSearchAttributeKey('TrunkCustomerId', SearchAttributeType.KEYWORD),
  exotelAccount: defineSearchAttributeKey('TrunkExotelAccount', SearchAttributeType.KEYWORD),
  direction: defineSearchAttributeKey('TrunkDirection', SearchAttributeType.KEYWORD),
  provider: defineSearchAttributeKey('TrunkProvider', SearchAttributeType.KEYWORD),
  state: defineSearchAttributeKey('TrunkSetupState', SearchAttributeType.KEYWORD),
  failedStep: defineSearchAttributeKey('TrunkFailedStep', SearchAttributeType.KEYWORD),
  /** A line's drift state after the last scan: in-sync, drifted, repairing. */
  driftState: defineSearchAttributeKey('TrunkDriftState', SearchAttributeType.KEYWORD),
} as const;

export const allSearchAttributeKeys = Object.values(SearchAttributes);

/** Every value TrunkSetupState takes (a setup rolling back still shows `running`). */
export const SETUP_STATES = ['running', 'awaiting-ops', 'succeeded', 'rolled-back', 'failed'] as const;
export type SetupState = (typeof SETUP_STATES)[number];

/** What a setup starts with, wherever it is started from (CLI, signup event, batch). */
export function setupSearchAttributes({ direction, input }: SetupRequest): SearchAttributePair[] {
  return [
    { key: SearchAttributes.customerId, value: input.customerId },
    { key: SearchAttributes.exotelAccount, value: input.exotelAccountSid },
    { key: SearchAttributes.direction, value: direction },
    { key: SearchAttributes.provider, value: input.provider ?? 'unspecified' },
    { key: SearchAttributes.state, value: 'running' },
  ];
}

/** What a customer line starts with (the same keys as its setups, so one filter finds both). */
export function lineSearchAttributes(line: { customerId: string; exotelAccountSid: string; direction: string; provider?: string }): SearchAttributePair[] {
  return [
    { key: SearchAttributes.customerId, value: line.customerId },
    { key: SearchAttributes.exotelAccount, value: line.exotelAccountSid },
    { key: SearchAttributes.direction, value: line.direction },
    { key: SearchAttributes.provider, value: line.provider ?? 'unspecified' },
    { key: SearchAttributes.state, value: 'active' },
  ];
}
