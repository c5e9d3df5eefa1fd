// What every handoff sheet says about Exotel's side, whatever the platform. Templates as in profile.ts.
import type { Direction } from '../setup';
import type { Transport } from './profile';

/** Exotel's edges take TLS on 443 and TCP on 5070 on the same host (Exotel's voice-AI pack and vSIP guides [X]). */
export const EXOTEL_EDGE_PORTS: Record<Transport, number> = { tls: 443, tcp: 5070 };

/** Flow and number assignment have no trunk API: the console steps that finish an inbound setup. */
export const EXOTEL_CONSOLE_STEPS: Record<Direction, readonly string[]> = {
  inbound: [
    'Exotel console → App Bazaar: create a Flow with a Connect applet. In "Dial whom" choose "Dial phone number(s)" and enter {{dialWhom}} (the trunk sid after sip:, not a full SIP URI); leave the Primary URL boxes empty.',
    'Exotel console → ExoPhones: assign {{did}} to that Flow.',
    'Call {{did}} from a phone. If the platform refuses it, read its SIP logs for the called-number format Exotel sent.',
  ],
  outbound: [],
};

const G711_PITFALL =
  'Media is G.711 only: enable PCMA (A-law, preferred) and PCMU on the platform; SIP 415/488 usually means A-law is off.';

export const EXOTEL_PITFALLS: Record<Direction, readonly string[]> = {
  outbound: [
    "Exotel answers SIP 403 with X-Exotel-ErrorCode: 4001 when the digest credentials, the ACL or the edge do not match: check the user name and password, that the platform dials the digest edge (in.voip.exotel.com; the edge.*.exotel.com hosts are reported to be the IP-allowlist path and to refuse digest), and the transport/port pair.",
    "Ports: Exotel's edge takes TLS on 443 and TCP on 5070; 5061/5060 are the platforms' own SIP ports. Don't swap them.",
    'The caller id (From) must be an ExoPhone on your Exotel account ({{did}}), or Exotel rejects the call.',
    'Edge values handed out by hand have been wrong before (livekit/sip#428: the fix was the host name over TCP): if calls fail, confirm host, port and transport with Exotel.',
    G711_PITFALL,
  ],
  inbound: [
    'Exotel sends TCP or TLS only, never UDP: the destination is {{destination}}.',
    'Exotel is not known to answer a digest challenge on inbound calls, and it does not publish the IPs its SIP comes from: the platform must admit Exotel by called number, by IPs Exotel support gives you, or openly.',
    'Which format Exotel puts the called number in (+91…, 91… or 0…) is unverified: if the platform rejects the call as an unknown number, match what its SIP logs show.',
    G711_PITFALL,
  ],
};

export const NO_EDGE_PITFALL =
  'No Exotel SIP edge is configured for this account, and Singapore has no published edge: ask Exotel support which host, port and transport your digest credentials work on (do not guess; voip.exotel.com appears in no Exotel doc), then set sipEdge on the account.';

export const ACL_AND_DIGEST_PITFALL =
  'This trunk has both an IP allowlist and digest credentials. Exotel warns that once an allowlist is on, the source IP may become the primary trust signal and digest behaviour can get confusing: keep this only as Exotel support confirmed it for your account.';

export const IP_DESTINATION_PITFALL =
  "Exotel refuses an IP-literal destination until that IP is on the trunk's ACL: prefer the platform's host name.";
