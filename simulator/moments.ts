// Questions over the state timeline, shared by tests and the chaos audit: was a trunk ever left without
// destinations or credentials, or a number without a trunk? Pure functions of what GET /_admin/timeline answered.

import type { SimulatorTimeline, TimelineEntry, TrunkCounts } from './types';

export type CountKind = keyof TrunkCounts;

/** A timeline as SimulatorAdmin.timeline() answers it, or entries of one (taken as a complete record). */
export type TimelineInput = SimulatorTimeline | readonly TimelineEntry[];

const COUNT_KINDS: readonly CountKind[] = ['numbers', 'credentials', 'acl_entries', 'destinations'];
const E164 = /^\+[1-9]\d{1,14}$/;

// Not `'entries' in timeline`: arrays have an entries() method.
const isAnswer = (timeline: TimelineInput): timeline is SimulatorTimeline => !Array.isArray(timeline);

function entriesOf(timeline: TimelineInput): TimelineEntry[] {
  if (isAnswer(timeline)) {
    // A moment among the dropped entries could not be seen: refuse rather than answer "none".
    if (timeline.truncated) {
      throw new Error(
        `timeline is truncated: entries through seq ${timeline.dropped_through} were dropped (capacity ${timeline.capacity}), so moments among them cannot be ruled out; read it with since ≥ ${timeline.dropped_through} or raise timelineCapacity`,
      );
    }
    return [...timeline.entries].sort((a, b) => a.seq - b.seq);
  }
  return [...timeline].sort((a, b) => a.seq - b.seq);
}

/**
 * The entries after which `trunk` held zero of `kind` while it existed: walking the trunk's entries in seq order,
 * an entry whose counts[kind] is 0 is a moment once some earlier entry (or itself, never) showed it above 0; the
 * stretch before the first one was added is not, and the walk stops at the trunk's deletion (whose counts are all
 * 0). Every entry of the trunk inside a gap is returned (a gap with other changes in it yields several); [] = none.
 * Throws if no entry names the trunk (a wrong sid, or a timeline filtered or read `since` past it): an empty
 * answer would otherwise pass for "never without".
 */
export function momentsWithout(timeline: TimelineInput, query: { trunk: string; kind: CountKind }): TimelineEntry[] {
  const { trunk, kind } = query;
  if (!COUNT_KINDS.includes(kind)) throw new Error(`kind ${JSON.stringify(kind)} is invalid: must be one of ${COUNT_KINDS.join(', ')}`);
  const entries = entriesOf(timeline).filter((e) => e.trunk_sid === trunk);
  if (entries.length === 0) throw new Error(`trunk ${JSON.stringify(trunk)} is in no entry of this timeline: there is nothing to judge`);
  const moments: TimelineEntry[] = [];
  let added = false;
  for (const entry of entries) {
    if (entry.kind === 'trunk' && entry.operation === 'delete') break;
    if (entry.counts[kind] > 0) added = true;
    else if (added) moments.push(entry);
  }
  return moments;
}

/**
 * The entries after which `number`, having been mapped in that account, was mapped to no trunk of it: walking the
 * entries whose number_routes name the number in seq order, one whose trunk_sids is empty is a moment once an
 * earlier one (per account) showed it mapped. Only its own changes and its trunk's deletion name a number, so each
 * unrouted stretch yields one entry, until it is mapped again; [] = none. Throws if no entry names the number.
 */
export function unroutedMoments(timeline: TimelineInput, number: string): TimelineEntry[] {
  if (!E164.test(number)) throw new Error(`number ${JSON.stringify(number)} is invalid: must be E.164, "+" then 2 to 15 digits`);
  const moments: TimelineEntry[] = [];
  const mappedIn = new Set<string>();
  let named = false;
  for (const entry of entriesOf(timeline)) {
    const route = entry.number_routes?.find((r) => r.phone_number === number);
    if (route === undefined) continue;
    named = true;
    if (route.trunk_sids.length > 0) mappedIn.add(entry.account);
    else if (mappedIn.has(entry.account)) moments.push(entry);
  }
  if (!named) throw new Error(`number ${JSON.stringify(number)} is in no entry of this timeline: there is nothing to judge`);
  return moments;
}
