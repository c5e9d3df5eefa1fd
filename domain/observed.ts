// What Exotel holds on a line's trunk, as far as an operation or a scan read it. A leaf: the planner and the
// drift judge both take it.

/** What Exotel holds on the line's trunk, as far as the operation needs to know (the reads it made). */
export interface ObservedTrunk {
  trunkSid: string;
  /** For adopt: how the trunk was found by its number, and every trunk that carries the number. */
  found?: { via: 'trunk-maps' | 'listing'; candidates: string[]; trunkName?: string };
  /** For move-did: the numbers on the target trunk. */
  target?: { trunkSid: string; numbers: { id: string; phoneNumber: string; mode: string | null }[] };
  numbers?: { id: string; phoneNumber: string; mode: string | null }[];
  credentials?: { id: string; userName: string }[];
  aclEntries?: { id: string; ip: string }[];
  destinations?: { id: string; destination: string }[];
}
