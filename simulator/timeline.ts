// The state timeline: one entry per change of state, in order, so a test or an audit can ask whether a trunk was
// ever left without destinations or credentials, or a number without a trunk. In memory only (not in the state
// file) and bounded: beyond its capacity the oldest entries are dropped, and answers say so.

import type {
  Credential,
  DestinationUri,
  PhoneNumberMapping,
  SimulatorTimeline,
  TimelineEntry,
  TimelineFilter,
  TimelineValues,
  TrunkFields,
  TrunkSetting,
  WhitelistedIp,
} from './types';

export const DEFAULT_TIMELINE_CAPACITY = 50_000;

/** The values an entry shows of each kind of object; passwords are never stored, so never shown. */
export const trunkValues = (t: TrunkFields): TimelineValues => ({ trunk_name: t.trunk_name, nso_code: t.nso_code, domain_name: t.domain_name });
export const numberValues = (m: PhoneNumberMapping): TimelineValues => ({ phone_number: m.phone_number, mode: m.mode });
export const credentialValues = (c: Credential): TimelineValues => ({ user_name: c.user_name, friendly_name: c.friendly_name });
export const aclValues = (a: WhitelistedIp): TimelineValues => ({ ip: a.ip, mask: a.mask });
export const destinationValues = (d: DestinationUri): TimelineValues => ({ destination: d.destination, priority: d.priority, weight: d.weight });
export const settingValues = (s: TrunkSetting): TimelineValues => ({ name: s.name, value: s.value });

export class Timeline {
  private entries: TimelineEntry[] = [];
  private seq = 0;
  private droppedThrough = 0;

  constructor(readonly capacity: number) {}

  append(entry: Omit<TimelineEntry, 'seq' | 'time'>): void {
    this.entries.push({ seq: ++this.seq, time: new Date().toISOString(), ...entry });
    while (this.entries.length > this.capacity) this.droppedThrough = this.entries.shift()?.seq ?? this.droppedThrough;
  }

  list(filter: TimelineFilter = {}): SimulatorTimeline {
    const { account, trunk, number, since } = filter;
    const entries = this.entries.filter(
      (e) =>
        (since === undefined || e.seq > since) &&
        (account === undefined || e.account === account) &&
        (trunk === undefined || e.trunk_sid === trunk) &&
        (number === undefined || (e.number_routes ?? []).some((r) => r.phone_number === number)),
    );
    return {
      entries: structuredClone(entries),
      truncated: this.droppedThrough > (since ?? 0),
      dropped_through: this.droppedThrough,
      capacity: this.capacity,
    };
  }

  /** Forgets every entry; seq keeps counting, so a reader polling with `since` misses nothing after a reset. */
  clear(): void {
    this.entries = [];
    this.droppedThrough = 0;
  }
}
