// The simulator's public vocabulary: how to start it, and the shapes its admin API returns.

/** 'in' = api.in.exotel.com (Mumbai), 'sg' = api.exotel.com (Singapore). */
export type SimulatorRegion = 'in' | 'sg';

export interface SimulatorAccount {
  sid: string;
  apiKey: string;
  apiToken: string;
  region: SimulatorRegion;
}

export type DeleteStyle = 'query' | 'path';

export type NumberScope = 'account' | 'trunk';

export interface RateLimitConfig {
  limit: number;
  windowMs: number;
}

export interface SimulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0: a random free port. */
  port?: number;
  accounts: SimulatorAccount[];
  /** Per account. Default { limit: 200, windowMs: 60_000 }; false turns it off. */
  rateLimit?: RateLimitConfig | false;
  /** Loaded at start if present, rewritten atomically after every mutation. */
  stateFile?: string;
  /** Where DELETE takes the id of phone-numbers, whitelisted-ips and destination-uris. Default 'query'. */
  deleteStyle?: DeleteStyle;
  /**
   * Where a phone number must be unique: 'account' (default) refuses mapping a number that another trunk of the
   * account carries, 'trunk' allows it. Exotel does not say (reference §14); both readings are testable.
   */
  numberScope?: NumberScope;
  /** If set, /_admin requires `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
  /** Seeds every random choice (ids, request ids, probabilistic faults) so runs are reproducible. */
  seed?: number;
  /** How many state-timeline entries to keep (the newest). Default 50,000. */
  timelineCapacity?: number;
}

export interface RunningSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

export type FaultKind = 'status' | 'latency' | 'commit-then-fail' | 'drop';

export interface FaultSpec {
  /** HTTP method to match; any method if omitted. */
  method?: string;
  /** Regex source matched against the URL pathname. */
  path: string;
  /** Account sid (from the path) to match; any account if omitted. */
  account?: string;
  kind: FaultKind;
  /** For 'status': the status to answer. */
  status?: number;
  /** For a 429 'status' fault: the Retry-After header (default 1). */
  retryAfterSeconds?: number;
  /** For 'latency': how long to wait before processing normally. */
  latencyMs?: number;
  /** For 'commit-then-fail': the status to answer after applying the write (default 500), or 'drop' the socket. */
  then?: number | 'drop';
  /** How many requests the fault hits; default 1, 0 = unlimited. */
  count?: number;
  /** Chance (0..1, seeded) that a matching request is hit; default 1. */
  probability?: number;
  /** How many matching requests pass untouched before the fault starts hitting (to fail the k-th); default 0. */
  skip?: number;
}

export interface ActiveFault extends FaultSpec {
  id: string;
  /** Hits left; null = unlimited. */
  remaining: number | null;
}

export interface LoggedRequest {
  seq: number;
  /** ISO-8601 time the request arrived. */
  time: string;
  /** Account sid from the path, or null outside /v2/accounts/{sid}. */
  account: string | null;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body (raw text if unparsable), secrets masked as "***"; null if none. */
  body: unknown;
  /** Status answered; null while in flight or if the connection was dropped. */
  status: number | null;
  fault?: FaultKind;
}

export interface RequestLogFilter {
  account?: string;
  /** Only entries with a larger seq. */
  since?: number;
}

// Exotel's wire objects (reference §3, §4). Ids are digit strings.

export interface TrunkLinks {
  destination_uris: string;
  whitelisted_ips: string;
  credentials: string;
  phone_numbers: string;
}

export interface TrunkFields {
  trunk_sid: string;
  trunk_name: string;
  status: 'active' | 'inactive';
  domain_name: string;
  nso_code: string;
  auth_type: string;
  registration_enabled: 'enabled' | 'disabled';
  edge_preference: string;
  secure_trunking: 'enabled' | 'disabled';
  date_created: string;
  date_updated: string;
}

export type Trunk = TrunkFields & TrunkLinks;

export interface PhoneNumberMapping {
  id: string;
  phone_number: string;
  trunk_sid: string;
  mode: 'pstn' | 'flow' | null;
  date_created: string;
  date_updated: string;
}

export interface WhitelistedIp {
  id: string;
  ip: string;
  mask: number;
  trunk_sid: string;
  friendly_name: string | null;
  date_created: string;
  date_updated: string;
}

export interface DestinationUri {
  id: string;
  destination: string;
  type: 'public';
  priority: number;
  weight: number;
  trunk_sid: string;
  date_created: string;
  date_updated: string;
}

export interface Credential {
  id: string;
  trunk_sid: string;
  user_name: string;
  friendly_name: string | null;
  date_created: string;
  date_updated: string;
}

export interface TrunkSetting {
  name: string;
  value: string;
  trunk_sid: string;
  date_created: string;
  date_updated: string;
}

/** A trunk in the admin state: its fields, with the four link names holding the sub-resources themselves. */
export interface TrunkState extends TrunkFields {
  phone_numbers: PhoneNumberMapping[];
  whitelisted_ips: WhitelistedIp[];
  destination_uris: DestinationUri[];
  /** Without passwords: the simulator never stores them. */
  credentials: Credential[];
  settings: TrunkSetting[];
}

export interface AccountState {
  trunks: TrunkState[];
  /** Credentials whose trunk was deleted: Exotel's trunk delete does not cascade to them. */
  orphan_credentials: Credential[];
}

export interface SimulatorState {
  accounts: Record<string, AccountState>;
}

// The state timeline (GET /_admin/timeline): every change of state, with what each trunk holds afterwards.

/** What a timeline entry changed: the trunk itself or one of its sub-resources. */
export type TimelineKind = 'trunk' | 'number' | 'credential' | 'acl' | 'destination' | 'setting';

export type TimelineOperation = 'create' | 'update' | 'delete';

/** What a trunk holds after a change; all zero after the trunk's deletion. Settings are not counted. */
export interface TrunkCounts {
  numbers: number;
  credentials: number;
  acl_entries: number;
  destinations: number;
}

/** Where a number is mapped after a change: the trunks of the account that carry it (none = unrouted). */
export interface NumberRoute {
  phone_number: string;
  trunk_sids: string[];
}

export type TimelineValues = Record<string, string | number | boolean | null>;

export interface TimelineEntry {
  /** Increases by one per change and is never reused, not even across a reset. */
  seq: number;
  /** ISO-8601 time of the change, with milliseconds. */
  time: string;
  account: string;
  trunk_sid: string;
  /** The trunk's name after the change (before it, for the trunk's deletion). */
  trunk_name: string;
  kind: TimelineKind;
  operation: TimelineOperation;
  /** The sub-resource's id (mapping, credential, ACL entry, destination); null for the trunk and for settings. */
  id: string | null;
  /**
   * The changed object's values after the change (as it was, for a delete). trunk: trunk_name, nso_code,
   * domain_name; number: phone_number, mode; credential: user_name, friendly_name (and password_changed on an
   * update, never the password); acl: ip, mask; destination: destination, priority, weight; setting: name, value.
   */
  values: TimelineValues;
  /** For an update: the same fields before it. */
  previous?: TimelineValues;
  counts: TrunkCounts;
  /**
   * For a number's change (both numbers, if an update changed it) and for a trunk deletion that took numbers
   * with it: where each of those numbers is mapped in the account afterwards.
   */
  number_routes?: NumberRoute[];
}

export interface TimelineFilter {
  account?: string;
  /** A trunk sid. */
  trunk?: string;
  /** An E.164 number: the entries whose number_routes name it. */
  number?: string;
  /** Only entries with a larger seq. */
  since?: number;
}

export interface SimulatorTimeline {
  entries: TimelineEntry[];
  /**
   * True if entries this answer would cover (seq > since) were dropped to bound memory: the record starts late,
   * and the helpers (momentsWithout, unroutedMoments) refuse to judge it.
   */
  truncated: boolean;
  /** The highest seq dropped to bound memory since the last reset; 0 if none. */
  dropped_through: number;
  /** How many entries the simulator keeps (the newest). */
  capacity: number;
}
