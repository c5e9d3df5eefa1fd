// What a succeeded setup answers with: the Exotel resources it made, the values the platform needs, and the
// handoff sheet.
import type { PlatformSideResult } from './platform-side';
import type { HandoffSheet } from './providers/handoff-sheet';

export interface SipEdge {
  host: string;
  port: number;
  transport: 'tls' | 'tcp';
}

export interface OutboundSetupResult {
  /** The DID the platform presents as caller id, in E.164. */
  did: string;
  /** All the DIDs on the trunk, when there are several. */
  dids?: string[];
  /** What to enter where on the voice-AI platform (when a provider was named); never holds the password. */
  handoff?: HandoffSheet;
  trunkSid: string;
  trunkName: string;
  phoneNumberMappingId: string;
  /** With several DIDs: each one's mapping id. */
  phoneNumberMappingIds?: Record<string, string>;
  credentialId: string;
  aclEntryIds: string[];
  /** Where the voice-AI platform sends its SIP INVITEs; null when the account has no edge configured. */
  sipEdge: SipEdge | null;
  /** The account's SIP domain, the digest realm the platform authenticates against. */
  sipDomain: string;
  sipUserName: string;
  sipPassword: string;
  /** The platform's side: configured by API (what was made there, cross-checked) or left to the sheet, and why. */
  platformSide?: PlatformSideResult;
}

export interface InboundSetupResult {
  did: string;
  dids?: string[];
  /** What to enter where on the voice-AI platform and in the Exotel console (when a provider was named). */
  handoff?: HandoffSheet;
  trunkSid: string;
  trunkName?: string;
  trunkCreated: boolean;
  phoneNumberMappingId: string;
  /** With several DIDs: each one's mapping id. */
  phoneNumberMappingIds?: Record<string, string>;
  destinationIds: string[];
  /** What the Exotel Flow's Connect applet must dial (console-only step). */
  connectAppletDialWhom: string;
  platformSide?: PlatformSideResult;
  /** Each destination's reachability before Exotel was told it (absent with probe off, or begun before probes). */
  probes?: DestinationProbe[];
}

/** A destination's probe, as a setup keeps it: the verdict and the one line that explains it. */
export interface DestinationProbe {
  destination: string;
  verdict: 'reachable' | 'unreachable' | 'tls-failed';
  summary: string;
}
