// One Exotel request per activity, so a retry repeats exactly one request and a rate limit can count them.
// Built by a factory so the worker and the tests inject the accounts (and so the clients) they want.
import { randomInt } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { SipEdge } from '../domain/setup';
import { normalizeDestination } from '../domain/validation';
import { ExotelError } from '../exotel/errors';
import { UnknownAccountError, type ExotelAccounts } from '../exotel/accounts';
import type { ExotelResource } from '../exotel/types';
import { reportingExotelFailures } from './failures';
import { createBatchActivities } from './batch-source';

export interface ActivityDeps {
  accounts: ExotelAccounts;
  /** Told of every delete (compensations, mostly) and how it ended; for metrics. */
  onDelete?: (resource: ExotelResource, outcome: DeleteOutcome | 'failed') => void;
}

interface OnAccount {
  accountSid: string;
}
interface OnTrunk extends OnAccount {
  trunkSid: string;
}

export type DeleteOutcome = 'deleted' | 'already-gone';

const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 32 characters of [A-Za-z0-9] is ~190 bits; Exotel rejects anything outside [A-Za-z0-9_]. */
const PASSWORD_LENGTH = 32;

export function createActivities(deps: ActivityDeps) {
  return { ...createExotelActivities(deps), ...createBatchActivities() };
}

function createExotelActivities({ accounts, onDelete }: ActivityDeps) {
  const client = (accountSid: string) => {
    try {
      return accounts.client(accountSid);
    } catch (err) {
      if (err instanceof UnknownAccountError) throw ApplicationFailure.nonRetryable(err.message, 'ConfigurationError');
      throw err;
    }
  };

  /** A delete answered with not-found has nothing left to do. */
  const deleting = (resource: ExotelResource, remove: () => Promise<unknown>) =>
    reportingExotelFailures(async (): Promise<DeleteOutcome> => {
      try {
        await remove();
        onDelete?.(resource, 'deleted');
        return 'deleted';
      } catch (err) {
        if (err instanceof ExotelError && err.kind === 'not-found') {
          onDelete?.(resource, 'already-gone');
          return 'already-gone';
        }
        onDelete?.(resource, 'failed');
        throw err;
      }
    });

  return {
    /** What the workflow needs to know about an account before touching it; fails fast when it is not configured. */
    async describeAccount({ accountSid }: OnAccount): Promise<{ sipDomain: string; sipEdge: SipEdge | null }> {
      const exotel = client(accountSid);
      return { sipDomain: exotel.sipDomain, sipEdge: accounts.sipEdge(accountSid) };
    },

    async generateSipPassword(): Promise<string> {
      return Array.from({ length: PASSWORD_LENGTH }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join('');
    },

    async createTrunk({ accountSid, trunkName }: OnAccount & { trunkName: string }) {
      return reportingExotelFailures(async () => {
        const trunk = await client(accountSid).createTrunk(trunkName);
        return { trunkSid: trunk.trunk_sid, trunkName: trunk.trunk_name };
      });
    },

    async findTrunk({ accountSid, trunkName, trunkSid }: OnAccount & { trunkName?: string; trunkSid?: string }) {
      return reportingExotelFailures(async () => {
        const exotel = client(accountSid);
        const trunk = trunkSid ? await exotel.getTrunk(trunkSid) : await exotel.findTrunkByName(trunkName ?? '');
        return trunk ? { trunkSid: trunk.trunk_sid, trunkName: trunk.trunk_name, status: trunk.status ?? null } : null;
      });
    },

    async deleteTrunk({ accountSid, trunkSid }: OnTrunk) {
      return deleting('trunk', () => client(accountSid).deleteTrunk(trunkSid));
    },

    async mapPhoneNumber({ accountSid, trunkSid, phoneNumber }: OnTrunk & { phoneNumber: string }) {
      return reportingExotelFailures(async () => {
        // pstn is the mode for both directions here (Connect-applet-to-SIP inbound, PSTN outbound); `flow` is for
        // Exotel's own Voicebot/StreamKit journeys.
        const mapping = await client(accountSid).mapPhoneNumber(trunkSid, phoneNumber, 'pstn');
        return { id: mapping.id };
      });
    },

    async listPhoneNumbers({ accountSid, trunkSid }: OnTrunk) {
      return reportingExotelFailures(async () =>
        (await client(accountSid).listPhoneNumbers(trunkSid)).map((n) => ({ id: n.id, phoneNumber: n.phone_number, mode: n.mode ?? null })),
      );
    },

    async deletePhoneNumber({ accountSid, trunkSid, id }: OnTrunk & { id: string }) {
      return deleting('phone-number', () => client(accountSid).deletePhoneNumber(trunkSid, id));
    },

    async createCredential({ accountSid, trunkSid, userName, password, friendlyName }: OnTrunk & { userName: string; password: string; friendlyName: string }) {
      return reportingExotelFailures(async () => {
        const credential = await client(accountSid).createCredential(trunkSid, { userName, password, friendlyName });
        return { id: credential.id };
      });
    },

    async listCredentials({ accountSid, trunkSid }: OnTrunk) {
      return reportingExotelFailures(async () =>
        (await client(accountSid).listCredentials(trunkSid)).map((c) => ({ id: c.id, userName: c.user_name })),
      );
    },

    async deleteCredential({ accountSid, trunkSid, id }: OnTrunk & { id: string }) {
      return deleting('credential', () => client(accountSid).deleteCredential(trunkSid, id));
    },

    async addWhitelistedIp({ accountSid, trunkSid, ip }: OnTrunk & { ip: string }) {
      return reportingExotelFailures(async () => {
        const entry = await client(accountSid).addWhitelistedIp(trunkSid, ip);
        return { id: entry.id };
      });
    },

    async listWhitelistedIps({ accountSid, trunkSid }: OnTrunk) {
      return reportingExotelFailures(async () =>
        (await client(accountSid).listWhitelistedIps(trunkSid)).map((e) => ({ id: e.id, ip: e.ip, mask: e.mask })),
      );
    },

    async deleteWhitelistedIp({ accountSid, trunkSid, id }: OnTrunk & { id: string }) {
      return deleting('whitelisted-ip', () => client(accountSid).deleteWhitelistedIp(trunkSid, id));
    },

    async addDestinationUris({ accountSid, trunkSid, destinations }: OnTrunk & { destinations: string[] }) {
      return reportingExotelFailures(async () =>
        (await client(accountSid).addDestinationUris(trunkSid, destinations)).map((d) => ({
          id: d.id,
          destination: normalizeDestination(d.destination),
        })),
      );
    },

    /** Values come back normalized (no `sip:` prefix, lower-case host) so they compare with what was asked for. */
    async listDestinationUris({ accountSid, trunkSid }: OnTrunk) {
      return reportingExotelFailures(async () =>
        (await client(accountSid).listDestinationUris(trunkSid)).map((d) => ({ id: d.id, destination: normalizeDestination(d.destination) })),
      );
    },

    async deleteDestinationUri({ accountSid, trunkSid, id }: OnTrunk & { id: string }) {
      return deleting('destination-uri', () => client(accountSid).deleteDestinationUri(trunkSid, id));
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
