// Drift: what Exotel holds compared with what a line records, by kind. Pure: the scan reads, this judges, so the
// rules are tested without a server and a scan's report is data.
import type { ManagedLine } from './line';
import type { ObservedTrunk } from './observed';
import type { Difference } from './drift-report';
import { normalizeDestination } from './rules';

/** The parts of a line's trunk a scan reads: what the line can hold in its direction. */
export function partsToRead(line: ManagedLine): ('numbers' | 'credentials' | 'aclEntries' | 'destinations')[] {
  return line.direction === 'outbound' ? ['numbers', 'credentials', 'aclEntries'] : ['numbers', 'destinations'];
}

/** The differences of one line; `observed` null means its trunk is not on Exotel any more. */
export function diffLine(line: ManagedLine, observed: ObservedTrunk | null): Difference[] {
  if (!line.trunk || line.status !== 'active') return [];
  const at = { trunkSid: line.trunk.sid, customerId: line.customerId, direction: line.direction };
  if (!observed) return [{ kind: 'missing', part: 'trunk', item: line.trunk.name, ...at }];
  const out: Difference[] = [];

  const numbers = observed.numbers ?? [];
  for (const n of line.numbers) {
    const found = numbers.find((o) => o.phoneNumber === n.did);
    if (!found) out.push({ kind: 'missing', part: 'number', item: n.did, ...at });
    else if (n.mode !== null && found.mode !== null && found.mode !== n.mode) out.push({ kind: 'changed', part: 'number', item: n.did, expected: n.mode, found: found.mode, ...at });
  }
  for (const o of numbers) if (!line.numbers.some((n) => n.did === o.phoneNumber)) out.push({ kind: 'extra', part: 'number', item: o.phoneNumber, ...at });

  if (observed.credentials) {
    for (const c of line.credentials) if (!observed.credentials.some((o) => o.id === c.id || o.userName === c.userName)) out.push({ kind: 'missing', part: 'credential', item: c.userName, ...at });
    for (const o of observed.credentials) if (!line.credentials.some((c) => c.id === o.id || c.userName === o.userName)) out.push({ kind: 'extra', part: 'credential', item: o.userName, ...at });
  }
  if (observed.aclEntries) {
    for (const e of line.aclEntries) if (!observed.aclEntries.some((o) => o.ip === e.ip)) out.push({ kind: 'missing', part: 'acl', item: e.ip, ...at });
    for (const o of observed.aclEntries) if (!line.aclEntries.some((e) => e.ip === o.ip)) out.push({ kind: 'extra', part: 'acl', item: o.ip, ...at });
  }
  if (observed.destinations) {
    const present = observed.destinations.map((d) => ({ id: d.id, value: normalizeDestination(d.destination) }));
    for (const d of line.destinations) {
      if (present.some((p) => p.value === d.value)) continue;
      // The same entry with another value: edited by hand.
      const edited = present.find((p) => p.id === d.id);
      out.push(edited ? { kind: 'changed', part: 'destination', item: d.value, expected: d.value, found: edited.value, ...at } : { kind: 'missing', part: 'destination', item: d.value, ...at });
    }
    for (const p of present) {
      if (!line.destinations.some((d) => d.value === p.value || d.id === p.id)) out.push({ kind: 'extra', part: 'destination', item: p.value, ...at });
    }
  }
  return out;
}

/** Trunks of the account that no line manages: listed, never touched. */
export function unmanagedTrunks(trunks: { trunkSid: string; trunkName: string }[], managed: ReadonlySet<string>): Difference[] {
  return trunks.filter((t) => !managed.has(t.trunkSid)).map((t) => ({ kind: 'unmanaged-trunk', part: 'trunk', trunkSid: t.trunkSid, item: t.trunkName }));
}

