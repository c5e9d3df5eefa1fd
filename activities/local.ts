// Work on the worker itself, no Exotel request: registered on the main task queue, beside the workflows.
import { randomInt } from 'node:crypto';
import type { ExotelAccounts } from '../exotel/accounts';
import type { SipEdge } from '../domain/setup-result';
import type { DriftScanSummary } from '../platform/metrics';

const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 32 characters of [A-Za-z0-9] is ~190 bits; Exotel rejects anything outside [A-Za-z0-9_]. */
const PASSWORD_LENGTH = 32;

export function createLocalActivities({ accounts, onDriftScan }: { accounts: ExotelAccounts; onDriftScan?: (summary: DriftScanSummary) => void }) {
  return {
    /** A finished drift scan, told to the process's metrics (a workflow cannot reach them itself). */
    async recordDriftScan(summary: DriftScanSummary): Promise<void> {
      onDriftScan?.(summary);
    },

    /** What the workflow needs to know about an account before touching it; fails fast when it is not configured. */
    async describeAccount({ accountSid }: { accountSid: string }): Promise<{ sipDomain: string; sipEdge: SipEdge | null }> {
      return { sipDomain: accounts.client(accountSid).sipDomain, sipEdge: accounts.sipEdge(accountSid) };
    },

    async generateSipPassword(): Promise<string> {
      return Array.from({ length: PASSWORD_LENGTH }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join('');
    },
  };
}

export type LocalActivities = ReturnType<typeof createLocalActivities>;
