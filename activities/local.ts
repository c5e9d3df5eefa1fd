// Work on the worker itself, no Exotel request: registered on the main task queue, beside the workflows.
import { randomInt } from 'node:crypto';
import type { ExotelAccounts } from '../exotel/accounts';
import type { SipEdge } from '../domain/setup-result';
import type { DriftScanSummary } from '../platform/metrics';
import type { ApiProvider, PlatformAccountInfo } from '../domain/platform-side';
import { PlatformAccounts } from '../voice-ai/accounts';
import { probeSipDestination, type ProbeOptions } from '../sip/options-probe';
import type { DestinationProbe } from '../domain/setup-result';

const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 32 characters of [A-Za-z0-9] is ~190 bits; Exotel rejects anything outside [A-Za-z0-9_]. */
const PASSWORD_LENGTH = 32;

export function createLocalActivities({
  accounts,
  platforms = new PlatformAccounts(),
  probe = {},
  onDriftScan,
}: {
  accounts: ExotelAccounts;
  platforms?: PlatformAccounts;
  /** How destinations are probed (a resolver, trusted CAs); default the system's DNS and Node's roots. */
  probe?: ProbeOptions;
  onDriftScan?: (summary: DriftScanSummary) => void;
}) {
  return {
    /** The platform account a setup would use (the one named, or the platform's only one), or null: none serves. */
    async describePlatformAccount({ provider, name }: { provider: ApiProvider; name?: string }): Promise<PlatformAccountInfo | null> {
      return platforms.find(provider, name);
    },

    /** A finished drift scan, told to the process's metrics (a workflow cannot reach them itself). */
    async recordDriftScan(summary: DriftScanSummary): Promise<void> {
      onDriftScan?.(summary);
    },

    /** What the workflow needs to know about an account before touching it; fails fast when it is not configured. */
    async describeAccount({ accountSid }: { accountSid: string }): Promise<{ sipDomain: string; sipEdge: SipEdge | null }> {
      return { sipDomain: accounts.client(accountSid).sipDomain, sipEdge: accounts.sipEdge(accountSid) };
    },

    /** Whether anything speaks SIP at a destination, from this worker (sip/options-probe.ts); never throws for the network. */
    async probeDestination({ destination }: { destination: string }): Promise<DestinationProbe> {
      const { verdict, summary } = await probeSipDestination(destination, probe);
      return { destination, verdict, summary };
    },

    async generateSipPassword(): Promise<string> {
      return Array.from({ length: PASSWORD_LENGTH }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join('');
    },
  };
}

export type LocalActivities = ReturnType<typeof createLocalActivities>;
