import type { SimulatorAccount } from './types';

/** The account the CLI serves when none is given; its token is deliberately not a secret. */
export const DEMO_ACCOUNT: SimulatorAccount = {
  sid: 'demo_account',
  apiKey: 'demo_key',
  apiToken: 'demo_token_not_secret',
  region: 'in',
};
