// The Exotel resources a setup makes or uses, each as a step keyed by what makes it unique, with the compensation
// that deletes it and the rules for what existed before the setup.
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureTypes } from '../domain/failures';
import { trunkNameFor } from '../domain/naming';
import type { Direction } from '../domain/setup';
import { exotelFor, type ExotelRequests } from './activity-profiles';
import { createOrAdopt, type Origin } from './create-or-adopt';
import { conflict } from './failures';
import type { Saga } from './saga';

type Via = ExotelRequests;

async function findMapping(accountSid: string, trunkSid: string, did: string, via: Via) {
  return (await via.listPhoneNumbers({ accountSid, trunkSid })).find((n) => n.phoneNumber === did) ?? null;
}

async function findCredential(accountSid: string, trunkSid: string, userName: string, via: Via) {
  return (await via.listCredentials({ accountSid, trunkSid })).find((c) => c.userName === userName) ?? null;
}

async function findAclEntry(accountSid: string, trunkSid: string, ip: string, via: Via) {
  return (await via.listWhitelistedIps({ accountSid, trunkSid })).find((e) => e.ip === ip) ?? null;
}

/**
 * The customer's trunk, named from the customer id. One that exists already is this customer's from an earlier
 * setup only if it carries no number but the customer's own; otherwise the name clash is a conflict.
 */
export async function ensureTrunk(
  saga: Saga,
  { accountSid, customerId, direction, dids }: { accountSid: string; customerId: string; direction: Direction; dids: string[] },
): Promise<{ trunkSid: string; trunkName: string; origin: Origin }> {
  const { exotel, exotelOnce, undoExotel } = exotelFor(accountSid);
  const trunkName = trunkNameFor(customerId, direction);
  const { value, origin } = await createOrAdopt({
    saga,
    step: 'create-trunk',
    key: `trunk:${trunkName}`,
    create: () => exotelOnce.createTrunk({ accountSid, trunkName }),
    find: () => exotel.findTrunk({ accountSid, trunkName }),
    // Exotel refuses a second trunk of the same name, and finding one means listing every trunk of the account.
    findBeforeRetry: false,
    undo: async (known) => {
      const trunkSid = known?.trunkSid ?? (await undoExotel.findTrunk({ accountSid, trunkName }))?.trunkSid;
      if (!trunkSid) return null;
      await undoExotel.deleteTrunk({ accountSid, trunkSid });
      return `deleted trunk ${trunkSid} (${trunkName})`;
    },
    duplicates: {
      missingAfterDuplicate: `Exotel reports trunk name ${trunkName} as taken but does not list it`,
      preexisting: {
        adopt: async (found) => {
          const others = (await exotel.listPhoneNumbers({ accountSid, trunkSid: found.trunkSid })).filter((n) => !dids.includes(n.phoneNumber));
          if (others.length > 0) {
            throw conflict(
              `trunk ${trunkName} (${found.trunkSid}) already exists and carries other numbers ` +
                `(${others.map((n) => n.phoneNumber).join(', ')}): it is not this customer's; it was left untouched`,
            );
          }
          return found;
        },
      },
    },
  });
  return { trunkSid: value.trunkSid, trunkName: value.trunkName, origin };
}

/** A trunk the setup was given: used as it is, never deleted. */
export async function useTrunk(accountSid: string, trunkSid: string): Promise<{ trunkSid: string; trunkName: string; origin: Origin }> {
  const trunk = await exotelFor(accountSid).exotel.findTrunk({ accountSid, trunkSid });
  if (!trunk) throw ApplicationFailure.nonRetryable(`trunk ${trunkSid} does not exist in Exotel account ${accountSid}`, FailureTypes.trunkNotFound);
  return { trunkSid: trunk.trunkSid, trunkName: trunk.trunkName, origin: 'pre-existing' };
}

/** Each DID on the trunk, in order: one request per number. */
export async function ensureMappings(saga: Saga, { accountSid, trunkSid, dids }: { accountSid: string; trunkSid: string; dids: string[] }) {
  const ids: Record<string, string> = {};
  for (const did of dids) ids[did] = (await ensureMapping(saga, { accountSid, trunkSid, did })).value.id;
  return ids;
}

/** The DID on the trunk. Already on this trunk: used, never unmapped. On another trunk: a conflict. */
export async function ensureMapping(saga: Saga, { accountSid, trunkSid, did }: { accountSid: string; trunkSid: string; did: string }) {
  const { exotel, exotelOnce, undoExotel } = exotelFor(accountSid);
  return createOrAdopt({
    saga,
    step: 'map-did',
    key: `mapping:${trunkSid}:${did}`,
    create: () => exotelOnce.mapPhoneNumber({ accountSid, trunkSid, phoneNumber: did }),
    find: () => findMapping(accountSid, trunkSid, did, exotel),
    findBeforeRetry: false,
    undo: async (known) => {
      const id = known?.id ?? (await findMapping(accountSid, trunkSid, did, undoExotel))?.id;
      if (!id) return null;
      await undoExotel.deletePhoneNumber({ accountSid, trunkSid, id });
      return `unmapped ${did} (mapping ${id})`;
    },
    duplicates: {
      // Where Exotel keeps a number on one trunk only, a duplicate not found on this trunk is on another one.
      missingAfterDuplicate: `${did} is already mapped to another trunk of account ${accountSid}; unmap it there first`,
      preexisting: { adopt: (found) => found },
    },
  });
}

/** Digest credentials. One that exists already cannot be taken over: its password is unknown. */
export async function ensureCredential(
  saga: Saga,
  c: { accountSid: string; trunkSid: string; userName: string; password: string; friendlyName: string },
) {
  const { exotel, exotelOnce, undoExotel } = exotelFor(c.accountSid);
  const { accountSid, trunkSid, userName } = c;
  return createOrAdopt({
    saga,
    step: 'create-credential',
    key: `credential:${trunkSid}:${userName}`,
    create: () => exotelOnce.createCredential(c),
    find: () => findCredential(accountSid, trunkSid, userName, exotel),
    // Exotel does not document refusing a second credential with the same user name: look before trying again.
    findBeforeRetry: true,
    undo: async (known) => {
      const id = known?.id ?? (await findCredential(accountSid, trunkSid, userName, undoExotel))?.id;
      if (!id) return null;
      await undoExotel.deleteCredential({ accountSid, trunkSid, id });
      return `deleted credential ${userName} (${id})`;
    },
    duplicates: {
      missingAfterDuplicate: `Exotel reports digest user ${userName} as taken on trunk ${trunkSid} but does not list it`,
      preexisting: {
        refuse:
          `digest user ${userName} already exists on trunk ${trunkSid} and its password is not known to this setup; ` +
          'delete that credential (or the trunk) first, or keep using the existing one',
      },
    },
  });
}

/** One /32 ACL entry. One that exists already is used as it is (an allowlisted IP is the same whoever added it). */
export async function ensureAclEntry(saga: Saga, { accountSid, trunkSid, ip }: { accountSid: string; trunkSid: string; ip: string }) {
  const { exotel, exotelOnce, undoExotel } = exotelFor(accountSid);
  return createOrAdopt({
    saga,
    step: 'allowlist-ips',
    key: `acl:${trunkSid}:${ip}`,
    create: () => exotelOnce.addWhitelistedIp({ accountSid, trunkSid, ip }),
    find: () => findAclEntry(accountSid, trunkSid, ip, exotel),
    findBeforeRetry: false,
    undo: async (known) => {
      const id = known?.id ?? (await findAclEntry(accountSid, trunkSid, ip, undoExotel))?.id;
      if (!id) return null;
      await undoExotel.deleteWhitelistedIp({ accountSid, trunkSid, id });
      return `removed ${ip} from the allowlist (${id})`;
    },
    duplicates: {
      missingAfterDuplicate: `Exotel reports ${ip} as allowlisted on trunk ${trunkSid} but does not list it`,
      preexisting: { adopt: (found) => found },
    },
  });
}

/** What a run knows about a trunk's destination entries across attempts of the step (an operator may retry it). */
export interface DestinationLedger {
  /** Entries on the trunk before this run first touched it: never deleted. */
  preexistingIds?: Set<string>;
  /** Every value this run has asked for, so the rollback can find what it added even when an answer was lost. */
  ours: Set<string>;
}

type DestinationEntry = { id: string; destination: string };

/**
 * The destinations the trunk lacks, added. Entries present before this run are kept and never deleted; entries
 * this run may have added are found by value for the rollback, and on a retry after an operator corrected the
 * list, those no longer wanted are removed. POST destination-uris appends, so it is never repeated blindly: every
 * attempt after the first re-reads the trunk and sends only what is still missing.
 */
export async function ensureDestinations(
  saga: Saga,
  ledger: DestinationLedger,
  {
    accountSid,
    trunkSid,
    wanted,
    trunkOrigin,
    known,
  }: {
    accountSid: string;
    trunkSid: string;
    wanted: string[];
    trunkOrigin: Origin;
    /** What a read made just before found on the trunk (a line operation plans from one): not read again. */
    known?: DestinationEntry[];
  },
): Promise<string[]> {
  const { exotel, exotelOnce, undoExotel } = exotelFor(accountSid);
  let present: DestinationEntry[];
  if (ledger.preexistingIds === undefined) {
    // A trunk made by this run starts empty, so the happy path needs no read before the POST.
    present = trunkOrigin === 'created' ? [] : (known ?? (await exotel.listDestinationUris({ accountSid, trunkSid })));
    ledger.preexistingIds = new Set(present.map((d) => d.id));
  } else {
    present = await exotel.listDestinationUris({ accountSid, trunkSid });
    const preexisting = ledger.preexistingIds;
    const unwanted = present.filter((d) => !preexisting.has(d.id) && ledger.ours.has(d.destination) && !wanted.includes(d.destination));
    for (const d of unwanted) await exotel.deleteDestinationUri({ accountSid, trunkSid, id: d.id });
    present = present.filter((d) => !unwanted.includes(d));
  }
  const preexistingIds = ledger.preexistingIds;
  wanted.forEach((w) => ledger.ours.add(w));
  const missing = (entries: DestinationEntry[]) => wanted.filter((w) => !entries.some((p) => p.destination === w));

  await createOrAdopt({
    saga,
    step: 'add-destinations',
    key: `destinations:${trunkSid}`,
    create: async () => {
      const absent = missing(present);
      if (absent.length > 0) present = [...present, ...(await exotelOnce.addDestinationUris({ accountSid, trunkSid, destinations: absent }))];
      return present;
    },
    find: async () => {
      present = await exotel.listDestinationUris({ accountSid, trunkSid });
      return missing(present).length === 0 ? present : null;
    },
    findBeforeRetry: true,
    undo: async () => {
      const ours = (await undoExotel.listDestinationUris({ accountSid, trunkSid })).filter(
        (d) => !preexistingIds.has(d.id) && ledger.ours.has(d.destination),
      );
      for (const d of ours) await undoExotel.deleteDestinationUri({ accountSid, trunkSid, id: d.id });
      return ours.length ? `removed destinations ${ours.map((d) => `${d.destination} (${d.id})`).join(', ')}` : null;
    },
    partialWrites: true,
  });
  return wanted.map((w) => {
    const matches = present.filter((p) => p.destination === w);
    return (matches.find((p) => !preexistingIds.has(p.id)) ?? matches[0])?.id ?? '';
  });
}
