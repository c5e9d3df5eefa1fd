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
