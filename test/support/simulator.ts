// A simulator per test file, with the accounts tests use, and the client settings that reach it.
import { SimulatorAdmin, startSimulator, type RunningSimulator, type SimulatorOptions } from '../../simulator';
import type { ExotelAccountSettings } from '../../exotel/accounts';

export const INDIA = { sid: 'acme_in', apiKey: 'key_in', apiToken: 'tok_in_S3cr3tValue', region: 'in' as const };
export const SINGAPORE = { sid: 'acme_sg', apiKey: 'key_sg', apiToken: 'tok_sg_S3cr3tValue', region: 'sg' as const };

export interface TestSimulator {
  sim: RunningSimulator;
  admin: SimulatorAdmin;
  /** Client settings for an account of this simulator (India unless told otherwise). */
  account(overrides?: Partial<ExotelAccountSettings>): ExotelAccountSettings;
  close(): Promise<void>;
}

export async function startTestSimulator(options: Partial<SimulatorOptions> = {}): Promise<TestSimulator> {
  const sim = await startSimulator({ accounts: [INDIA, SINGAPORE], rateLimit: false, seed: 7, ...options });
  return {
    sim,
    admin: new SimulatorAdmin(sim.url),
    account: (overrides = {}) => ({
      accountSid: INDIA.sid,
      apiKey: INDIA.apiKey,
      apiToken: INDIA.apiToken,
      subdomain: 'api.in.exotel.com',
      baseUrl: sim.url,
      ...overrides,
    }),
    close: () => sim.close(),
  };
}

/**
 * An account no other test file uses (Singapore region), for tests that judge every trunk or line of an account:
 * a drift scan would otherwise meet other files' lines, whose workers are gone. Pass both parts to startHarness.
 */
export function ownAccount(sid: string): { simulator: Partial<SimulatorOptions>; account: Partial<ExotelAccountSettings> } {
  const own = { sid, apiKey: `${sid}_key`, apiToken: `${sid}_token_S3cr3t`, region: 'sg' as const };
  return {
    simulator: { accounts: [INDIA, SINGAPORE, own] },
    account: { accountSid: own.sid, apiKey: own.apiKey, apiToken: own.apiToken, subdomain: 'api.exotel.com' },
  };
}
