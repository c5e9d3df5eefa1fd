import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// What ops filter setups by in the Temporal UI. Never a secret: search attributes are not encrypted.
export const SearchAttributes = {
  customerId: defineSearchAttributeKey('TrunkCustomerId', SearchAttributeType.KEYWORD),
  exotelAccount: defineSearchAttributeKey('TrunkExotelAccount', SearchAttributeType.KEYWORD),
  direction: defineSearchAttributeKey('TrunkDirection', SearchAttributeType.KEYWORD),
  provider: defineSearchAttributeKey('TrunkProvider', SearchAttributeType.KEYWORD),
  state: defineSearchAttributeKey('TrunkSetupState', SearchAttributeType.KEYWORD),
  failedStep: defineSearchAttributeKey('TrunkFailedStep', SearchAttributeType.KEYWORD),
} as const;

export const allSearchAttributeKeys = Object.values(SearchAttributes);
