// The Exotel requests, one per activity, so a retry repeats exactly one request and the account's rate limit can
// count them. They are registered only on the account's own task queue (worker/create-worker.ts), so nothing can
// send one past the rate ceiling. What they throw is turned into Temporal failures by activities/interceptor.ts.
import { normalizeDestination } from '../domain/rules';
import type { ExotelAccounts } from '../exotel/accounts';
import { ExotelError } from '../exotel/errors';
import type { ExotelResource } from '../exotel/types';

export interface ExotelActivityDeps {
  accounts: ExotelAccounts;
}

interface OnAccount {
  accountSid: string;
}
interface OnTrunk extends OnAccount {
  trunkSid: string;
}

export type DeleteOutcome = 'deleted' | 'already-gone';

export function createExotelActivities({ accounts }: ExotelActivityDeps) {
  const client = (accountSid: string) => accounts.client(accountSid);

  /** A delete answered with not-found has nothing left to do. */
  const deleting = async (remove: () => Promise<unknown>): Promise<DeleteOutcome> => {
    try {
      await remove();
      return 'deleted';
    } catch (err) {
      if (err instanceof ExotelError && err.kind === 'not-found') return 'already-gone';
      throw err;
    }
  };

  return {
    async createTrunk({ accountSid, trunkName }: OnAccount & { trunkName: string }) {
      const trunk = await client(accountSid).createTrunk(trunkName);
      return { trunkSid: trunk.trunk_sid, trunkName: trunk.trunk_name };
    },

    async findTrunk({ accountSid, trunkName, trunkSid }: OnAccount & { trunkName?: string; trunkSid?: string }) {
      const exotel = client(accountSid);
      const trunk = trunkSid ? await exotel.getTrunk(trunkSid) : await exotel.findTrunkByName(trunkName ?? '');
      return trunk ? { trunkSid: trunk.trunk_sid, trunkName: trunk.trunk_name, status: trunk.status ?? null } : null;
    },

    /** Every trunk of the account (one request a page). */
    async listTrunks({ accountSid }: OnAccount) {
      return (await client(accountSid).listTrunks()).map((t) => ({ trunkSid: t.trunk_sid, trunkName: t.trunk_name }));
    },

    /** The trunks a number is on, from trunk-maps; null where Exotel does not answer that path. */
    async trunksOfNumber({ accountSid, phoneNumber }: OnAccount & { phoneNumber: string }) {
      return client(accountSid).trunksOfNumber(phoneNumber);
    },

    async deleteTrunk({ accountSid, trunkSid }: OnTrunk) {
      return deleting(() => client(accountSid).deleteTrunk(trunkSid));
    },

    async mapPhoneNumber({ accountSid, trunkSid, phoneNumber }: OnTrunk & { phoneNumber: string }) {
      // pstn is the mode for both directions here (Connect-applet-to-SIP inbound, PSTN outbound); `flow` is for
      // Exotel's own Voicebot/StreamKit journeys.
      const mapping = await client(accountSid).mapPhoneNumber(trunkSid, phoneNumber, 'pstn');
      return { id: mapping.id };
    },

    async listPhoneNumbers({ accountSid, trunkSid }: OnTrunk) {
      const numbers = await client(accountSid).listPhoneNumbers(trunkSid);
      return numbers.map((n) => ({ id: n.id, phoneNumber: n.phone_number, mode: n.mode ?? null }));
    },

    async setPhoneNumberMode({ accountSid, trunkSid, id, phoneNumber, mode }: OnTrunk & { id: string; phoneNumber: string; mode: 'pstn' | 'flow' }) {
      const mapping = await client(accountSid).updatePhoneNumber(trunkSid, id, phoneNumber, mode);
      return { id: mapping.id, mode: mapping.mode ?? mode };
    },

    async deletePhoneNumber({ accountSid, trunkSid, id }: OnTrunk & { id: string }) {
      return deleting(() => client(accountSid).deletePhoneNumber(trunkSid, id));
    },

    async createCredential({ accountSid, trunkSid, userName, password, friendlyName }: OnTrunk & { userName: string; password: string; friendlyName: string }) {
      const credential = await client(accountSid).createCredential(trunkSid, { userName, password, friendlyName });
      return { id: credential.id };
    },

    async listCredentials({ accountSid, trunkSid }: OnTrunk) {
      return (await client(accountSid).listCredentials(trunkSid)).map((c) => ({ id: c.id, userName: c.user_name }));
    },

    async deleteCredential({ accountSid, trunkSid, id }: OnTrunk & { id: string }) {
      return deleting(() => client(accountSid).deleteCredential(trunkSid, id));
    },

    async addWhitelistedIp({ accountSid, trunkSid, ip }: OnTrunk & { ip: string }) {
      const entry = await client(accountSid).addWhitelistedIp(trunkSid, ip);
      return { id: entry.id };
    },

    async listWhitelistedIps({ accountSid, trunkSid }: OnTrunk) {
      return (await client(accountSid).listWhitelistedIps(trunkSid)).map((e) => ({ id: e.id, ip: e.ip, mask: e.mask }));
    },

    async deleteWhitelistedIp({ accountSid, trunkSid, id }: OnTrunk & { id: string }) {
      return deleting(() => client(accountSid).deleteWhitelistedIp(trunkSid, id));
    },

    async addDestinationUris({ accountSid, trunkSid, destinations }: OnTrunk & { destinations: string[] }) {
      const added = await client(accountSid).addDestinationUris(trunkSid, destinations);
      return added.map((d) => ({ id: d.id, destination: normalizeDestination(d.destination) }));
    },

    /** Values come back normalized (no `sip:` prefix, lower-case host) so they compare with what was asked for. */
    async listDestinationUris({ accountSid, trunkSid }: OnTrunk) {
      const present = await client(accountSid).listDestinationUris(trunkSid);
      return present.map((d) => ({ id: d.id, destination: normalizeDestination(d.destination) }));
    },

    async deleteDestinationUri({ accountSid, trunkSid, id }: OnTrunk & { id: string }) {
      return deleting(() => client(accountSid).deleteDestinationUri(trunkSid, id));
    },
  };
}

export type ExotelActivities = ReturnType<typeof createExotelActivities>;

/** The delete activities and what each removes, for the metrics the interceptor reports. */
export const DELETED_BY: Partial<Record<keyof ExotelActivities, ExotelResource>> = {
  deleteTrunk: 'trunk',
  deletePhoneNumber: 'phone-number',
  deleteCredential: 'credential',
  deleteWhitelistedIp: 'whitelisted-ip',
  deleteDestinationUri: 'destination-uri',
};
