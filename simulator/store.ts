// The simulated Exotel backend's data: plain JSON, so the state file is just this object.

import { notFound } from './envelopes';
import type { SeededRandom } from './random';
import type { Timeline } from './timeline';
import type {
  AccountState,
  Credential,
  DestinationUri,
  PhoneNumberMapping,
  SimulatorRegion,
  SimulatorState,
  TimelineKind,
  TimelineOperation,
  TimelineValues,
  Trunk,
  TrunkFields,
  TrunkSetting,
  WhitelistedIp,
} from './types';

export interface TrunkRecord {
  trunk: TrunkFields;
  phone_numbers: PhoneNumberMapping[];
  whitelisted_ips: WhitelistedIp[];
  destination_uris: DestinationUri[];
  credentials: Credential[];
  settings: TrunkSetting[];
}

export interface AccountRecord {
  trunks: TrunkRecord[];
  orphan_credentials: Credential[];
}

export interface StoreData {
  version: 1;
  /** One increasing counter for every numeric id (mappings, ACLs, destinations, credentials). */
  next_id: number;
  accounts: Record<string, AccountRecord>;
}

/** Exotel's timestamps are ISO-8601 UTC without milliseconds ("2026-01-23T09:24:59Z"). */
export const isoNow = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A change to one trunk or what it holds, already applied, as the timeline records it. */
export interface Change {
  kind: TimelineKind;
  operation: TimelineOperation;
  /** The sub-resource's id; omitted for the trunk and for settings. */
  id?: string;
  values: TimelineValues;
  /** For an update: the values before it. */
  previous?: TimelineValues;
  /** The numbers whose routing the change may have moved (a mapping's old and new number, a deleted trunk's). */
  numbers?: string[];
}

const NO_COUNTS = { numbers: 0, credentials: 0, acl_entries: 0, destinations: 0 };

export const emptyStoreData = (): StoreData => ({ version: 1, next_id: 1001, accounts: {} });

export class Store {
  /** Bumped by every mutation, so the server knows when to write the state file. */
  revision = 0;

  constructor(
    private data: StoreData,
    private readonly random: SeededRandom,
    readonly timeline: Timeline,
  ) {}

  get snapshot(): StoreData {
    return this.data;
  }

  replace(data: StoreData): void {
    this.data = data;
    this.changed();
  }

  changed(): void {
    this.revision++;
  }

  /** Marks the state changed and appends the change to the timeline, with what the trunk holds afterwards. */
  changedTrunk(accountSid: string, record: TrunkRecord, change: Change): void {
    this.changed();
    const { kind, operation, id, values, previous, numbers = [] } = change;
    // A deleted trunk is already out of the account, so the routes below no longer count it.
    const trunks = this.account(accountSid).trunks;
    const routes = [...new Set(numbers)].map((phone) => ({
      phone_number: phone,
      trunk_sids: trunks.filter((t) => t.phone_numbers.some((m) => m.phone_number === phone)).map((t) => t.trunk.trunk_sid),
    }));
    this.timeline.append({
      account: accountSid,
      trunk_sid: record.trunk.trunk_sid,
      trunk_name: record.trunk.trunk_name,
      kind,
      operation,
      id: id ?? null,
      values,
      ...(previous === undefined ? {} : { previous }),
      counts:
        kind === 'trunk' && operation === 'delete'
          ? { ...NO_COUNTS }
          : {
              numbers: record.phone_numbers.length,
              credentials: record.credentials.length,
              acl_entries: record.whitelisted_ips.length,
              destinations: record.destination_uris.length,
            },
      ...(routes.length === 0 ? {} : { number_routes: routes }),
    });
  }

  newId(): string {
    return String(this.data.next_id++);
  }

  account(sid: string): AccountRecord {
    let account = this.data.accounts[sid];
    if (!account) {
      account = { trunks: [], orphan_credentials: [] };
      this.data.accounts[sid] = account;
    }
    return account;
  }

  /** A trunk of this account, or Exotel's 404/1000 (also for another account's trunk). */
  trunk(accountSid: string, trunkSid: string): TrunkRecord {
    const record = this.account(accountSid).trunks.find((t) => t.trunk.trunk_sid === trunkSid);
    if (!record) throw notFound();
    return record;
  }

  /**
   * Observed SIDs are `trmum1` + 18 hex + `1a1n` (e.g. trmum1f708622631150902801a1n, 28 characters).
   * [I] Singapore's prefix is unpublished; `trsgp1` mirrors the Mumbai pattern.
   */
  newTrunkSid(region: SimulatorRegion): string {
    const prefix = region === 'in' ? 'trmum1' : 'trsgp1';
    const taken = (sid: string): boolean =>
      Object.values(this.data.accounts).some((a) => a.trunks.some((t) => t.trunk.trunk_sid === sid));
    let sid: string;
    do sid = `${prefix}${this.random.hex(18)}1a1n`;
    while (taken(sid));
    return sid;
  }

  state(accountSids: string[]): SimulatorState {
    const accounts: Record<string, AccountState> = {};
    for (const sid of new Set([...accountSids, ...Object.keys(this.data.accounts)])) {
      const account = this.account(sid);
      accounts[sid] = {
        trunks: account.trunks.map((t) => ({
          ...t.trunk,
          phone_numbers: t.phone_numbers,
          whitelisted_ips: t.whitelisted_ips,
          destination_uris: t.destination_uris,
          credentials: t.credentials,
          settings: t.settings,
        })),
        orphan_credentials: account.orphan_credentials,
      };
    }
    return structuredClone({ accounts });
  }
}

export const trunkPath = (accountSid: string, trunkSid: string): string =>
  `/v2/accounts/${accountSid}/trunks/${trunkSid}`;

/** The trunk as GET and POST show it: its fields plus the four relative links. */
export function withLinks(accountSid: string, trunk: TrunkFields): Trunk {
  const base = trunkPath(accountSid, trunk.trunk_sid);
  return {
    ...trunk,
    destination_uris: `${base}/destination-uris`,
    whitelisted_ips: `${base}/whitelisted-ips`,
    credentials: `${base}/credentials`,
    phone_numbers: `${base}/phone-numbers`,
  };
}
