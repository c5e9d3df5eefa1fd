// The shapes a setup is asked for and answers with. One object per workflow so fields can be added later.

export type Direction = 'outbound' | 'inbound';

/** `host:port;transport=tls|tcp`, as Exotel takes a destination URI (no `sip:` prefix). */
export type DestinationUri = string;

export interface SetupBase {
  /** The platform's own customer key; setups, trunk names and workflow ids derive from it. */
  customerId: string;
  /** Exotel account sid; its API key, token and region come from the worker's configuration, never from here. */
  exotelAccountSid: string;
  /** The DID (ExoPhone) in E.164, e.g. +919876543210. */
  did: string;
  /** Voice-AI platform the trunk is for (informational until provider profiles exist). */
  provider?: string;
}

export interface OutboundSetupInput extends SetupBase {
  /** Static /32 egress IPs of the voice-AI platform to allowlist; omit for digest-only (the default). */
  providerIps?: string[];
}

export interface InboundSetupInput extends SetupBase {
  /** An existing trunk to attach the DID to; when absent the setup creates one. */
  trunkSid?: string;
  /** Where Exotel sends inbound calls, in order of preference. */
  destinations: DestinationUri[];
}

export type StepState = 'pending' | 'running' | 'done' | 'failed' | 'compensated' | 'skipped';

export interface StepStatus {
  name: string;
  state: StepState;
  /** Ids of what the step made or adopted, e.g. `{ trunkSid }`; never a secret. */
  resource?: Record<string, string | string[]>;
  error?: string;
}

export type SetupPhase = 'running' | 'succeeded' | 'rolling-back' | 'rolled-back' | 'failed';

export interface SetupStatus {
  direction: Direction;
  customerId: string;
  phase: SetupPhase;
  steps: StepStatus[];
}

export interface SipEdge {
  host: string;
  port: number;
  transport: 'tls' | 'tcp';
}

export interface OutboundSetupResult {
  /** The DID the platform presents as caller id, in E.164. */
  did: string;
  trunkSid: string;
  trunkName: string;
  phoneNumberMappingId: string;
  credentialId: string;
  aclEntryIds: string[];
  /** Where the voice-AI platform sends its SIP INVITEs; null when the account has no edge configured. */
  sipEdge: SipEdge | null;
  /** The account's SIP domain, the digest realm the platform authenticates against. */
  sipDomain: string;
  sipUserName: string;
  sipPassword: string;
}

export interface InboundSetupResult {
  trunkSid: string;
  trunkName?: string;
  trunkCreated: boolean;
  phoneNumberMappingId: string;
  destinationIds: string[];
  /** What the Exotel Flow's Connect applet must dial (console-only step). */
  connectAppletDialWhom: string;
}
