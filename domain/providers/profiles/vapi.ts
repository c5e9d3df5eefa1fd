import { AUTH_CHOICE_FIELD, transportField, type Condition, type ProviderProfile, type Variant, type SheetSectionSpec } from '../profile';

// Sources, newest first: VapiAI/docs fern/advanced/sip/{sip-trunk, sip-networking,
// troubleshoot-sip-trunk-credential-errors, sip-plivo, sip-twilio}.mdx and fern/apis/api/openapi.json
// (snapshot 2026-08-20) [C]; exotel/AgentStream-VoiceAIEcosystem docs/support/exotel-vapi-sip-trunk.md [D].

const EU: Condition = { field: 'region', equals: 'eu' };
const US: Condition = { field: 'region', equals: 'us' }; // the default, so it holds when region is not given
const ACL: Condition = { field: AUTH_CHOICE_FIELD, equals: 'acl' };

/** The API base of each Vapi region; sip-trunk.mdx: keep the API region and the SIP host together [C]. */
const REGIONS = [
  { when: US, api: 'https://api.vapi.ai' },
  { when: EU, api: 'https://api.eu.vapi.ai' },
] as const;

/** The same section once per region (sheet sections are all those whose condition holds), as only `where` differs. */
function perRegion(title: string, path: string, entries: SheetSectionSpec['entries']): Variant<SheetSectionSpec>[] {
  return REGIONS.map((r) => ({
    when: r.when,
    title,
    where: `POST ${r.api}${path}, Authorization: Bearer <private API key>`,
    entries,
  }));
}

// Vapi's Plivo guide [C]: "Indian phone numbers cannot be used with Plivo on Vapi due to TRAI regulations ... SIP
// termination to occur via an Indian server, which Vapi does not currently support". That it also bars Exotel DIDs
// is our inference [I]; Exotel nonetheless documents the Vapi path [D].
const TRAI_WARNING =
  "Vapi says Indian numbers cannot be used with Plivo on Vapi because TRAI requires SIP termination on an Indian server, which Vapi does not offer (Vapi's Plivo guide). Exotel documents a Vapi path anyway, so whether Indian Exotel DIDs are allowed on Vapi is unverified: confirm with Vapi and Exotel before relying on it.";

export const vapi: ProviderProfile = {
  name: 'Vapi',
  fields: [
    {
      key: 'region',
      label: 'Vapi region',
      description: 'where your Vapi organization is hosted: us (api.vapi.ai, sip.vapi.ai) or eu (api.eu.vapi.ai, sip.eu.vapi.ai)',
      usedFor: ['inbound', 'outbound'],
      requiredFor: [],
      rule: { kind: 'oneOf', values: ['us', 'eu'] },
      example: 'us',
      default: 'us',
    },
    {
      key: 'credentialId',
      label: 'Vapi BYO SIP trunk credential id',
      description:
        'the id Vapi returned for the byo-sip-trunk credential (POST /credential); Exotel sends inbound calls to <credentialId>.sip.vapi.ai',
      usedFor: ['inbound'],
      requiredFor: ['inbound'],
      rule: {
        kind: 'pattern',
        pattern: /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/,
        wording: 'must be the id of the Vapi credential (a UUID such as 3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f): letters, digits and -',
      },
      example: '3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f',
    },
    {
      key: AUTH_CHOICE_FIELD,
      label: 'Outbound authentication',
      description:
        "digest (default), or acl: Exotel also allowlists Vapi's published SBC IPs (Exotel's guide pairs both; Vapi advises against IP-only auth)",
      usedFor: ['outbound'],
      requiredFor: [],
      rule: { kind: 'oneOf', values: ['digest', 'acl'] },
      example: 'digest',
      default: 'digest',
    },
    transportField(['inbound'], 'how Exotel reaches Vapi: tcp (5060, default, as Vapi advises) or tls (5061)', 'tcp'),
  ],
  numberFormat:
    "Vapi's BYO phone number must match the number in the SIP user part: {{did}} in E.164 unless Exotel sends another form, in which case set numberE164CheckEnabled false and enter that form.",
  inbound: {
    warning: TRAI_WARNING,
    targets: [
      // sip-trunk.mdx / sip-twilio.mdx [C]: the carrier sends {phoneNumber}@<credential_id>.sip.vapi.ai (US) or
      // …sip.eu.vapi.ai (EU); sip-networking.mdx [C]: UDP/TCP on 5060, TLS on 5061. Exotel's guide sends to the bare
      // sip.vapi.ai, on UDP [D], which Exotel itself refuses; the pitfall below keeps that reading as the fallback.
      {
        when: EU,
        kind: 'template',
        host: '{{credentialId}}.sip.eu.vapi.ai',
        ports: { tcp: 5060, tls: 5061 },
        defaultTransport: 'tcp',
      },
      { kind: 'template', host: '{{credentialId}}.sip.vapi.ai', ports: { tcp: 5060, tls: 5061 }, defaultTransport: 'tcp' },
    ],
    sheet: [
      ...perRegion('Admit Exotel on the BYO SIP trunk credential', '/credential (or update the credential you have)', [
        { label: 'provider', value: 'byo-sip-trunk' },
        {
          // troubleshoot-sip-trunk-credential-errors.mdx [C]: inbound gateways need numeric IPv4s (hostnames make the SBC
          // reject the gateway), one per source network; a missing one gives 401 on inbound calls (sip-trunk.mdx).
          label: 'gateways[n].ip',
          value: "<Exotel's signalling IPv4: ask Exotel>",
          note: "one gateway per address Exotel's INVITEs come from (netmask 24–32); Vapi refuses host names here and answers 401 to unlisted sources",
        },
        { label: 'gateways[n].inboundEnabled', value: 'true' },
        { label: 'gateways[n].outboundEnabled', value: 'false', note: 'the outbound gateway is the Exotel edge (outbound setup)' },
      ]),
      ...perRegion('Add the number and its assistant', '/phone-number', [
        { label: 'provider', value: 'byo-phone-number' },
        {
          label: 'number',
          value: '{{did}}',
          note: 'Vapi routes <number>@<credentialId>.sip.vapi.ai, so it must match the number Exotel puts in the Request-URI',
        },
        { label: 'credentialId', value: '<the credential id: providerFields.credentialId>' },
        { label: 'assistantId', value: '<your assistant id>' },
        { label: 'name', value: 'Exotel {{did}}' },
      ]),
    ],
    pitfalls: [
      {
        text: "Exotel's Vapi guide sends inbound calls to the bare sip.vapi.ai (and on UDP, which Exotel refuses); Vapi's own docs name <credentialId>.sip.vapi.ai, which this setup uses. If Exotel refuses {{destination}} as not a valid FQDN, or Vapi does not match the call to your trunk, try sip.vapi.ai:5060;transport=tcp as the destination.",
      },
      {
        text: "Vapi admits inbound calls by the gateway IPs on the credential, and Exotel does not publish the IPs its SIP comes from: get them from Exotel support, add each as a gateway, and expect 401s from any you miss.",
      },
    ],
  },
  outbound: {
    warning: TRAI_WARNING,
    auth: 'digest-or-acl',
    // sip-networking.mdx (2026-06) [C]: SIP signalling comes from static SBC IPs, US 44.229.228.186 and
    // 44.238.177.138, EU 63.182.83.170 (earlier EU docs listed 44.233.34.47/48); media IPs are dynamic in the US.
    publishedIps: [
      { when: EU, ips: ['63.182.83.170'] },
      { ips: ['44.229.228.186', '44.238.177.138'] },
    ],
    // openapi.json SipTrunkGateway.outboundProtocol: udp (default) | tcp | tls | tls/srtp [C].
    transports: [{ spelling: { tls: 'tls', tcp: 'tcp' } }],
    sheet: [
      ...perRegion('Create the BYO SIP trunk credential', '/credential', [
        { label: 'provider', value: 'byo-sip-trunk' },
        { label: 'name', value: 'Exotel {{did}}', note: 'at most 40 characters' },
        {
          // openapi.json SipTrunkGateway.ip and the troubleshooting page [C]: outbound-only gateways take a host name;
          // Exotel's guide (older) says Vapi's SBC needs a numeric IPv4 [D]. The host name is kept; the note says why.
          label: 'gateways[0].ip',
          value: '{{edgeHost}}',
          note: "Vapi takes a host name on an outbound-only gateway; Exotel's guide says to use the edge's IPv4: if Vapi answers 'SIP gateway creation failed', use the IPv4 Exotel confirms for this edge",
        },
        { label: 'gateways[0].port', value: '{{edgePort}}', note: "Vapi's default is 5060, which Exotel's edge does not serve" },
        {
          label: 'gateways[0].outboundProtocol',
          value: '{{transport}}',
          note: "Vapi's default is udp, which Exotel refuses; tls/srtp also encrypts media (Exotel's TLS offers SRTP; unverified with Vapi)",
        },
        {
          label: 'gateways[0].inboundEnabled',
          value: 'false',
          note: 'defaults to true, which makes gateway creation fail on a host name',
        },
        { label: 'outboundAuthenticationPlan.authUsername', value: '{{sipUserName}}' },
        { label: 'outboundAuthenticationPlan.authPassword', secret: true },
        {
          label: 'outboundLeadingPlusEnabled',
          value: 'true',
          note: 'defaults to false; Exotel takes numbers in E.164',
        },
      ]),
      ...perRegion('Add the number', '/phone-number', [
        { label: 'provider', value: 'byo-phone-number' },
        { label: 'number', value: '{{did}}', note: 'the caller id: an ExoPhone on your Exotel account' },
        { label: 'credentialId', value: '<the credential id Vapi returned>' },
        { label: 'name', value: 'Exotel {{did}}' },
      ]),
      ...perRegion('Place a call', '/call/phone (or /call)', [
        { label: 'assistantId', value: '<your assistant id>' },
        { label: 'phoneNumberId', value: '<the phone number id Vapi returned>' },
        { label: 'customer.number', value: '<number to call, E.164>' },
      ]),
    ],
    pitfalls: [
      {
        when: ACL,
        text: "Vapi's SBC IPs ({{aclIps}}) are shared by every Vapi customer, and Vapi itself advises against IP-based trunk authentication: keep the digest credentials on the Vapi credential too (Exotel's guide pairs both), and allowlist every address listed for your region (in the US Vapi signals from either of the two).",
      },
      {
        text: "Vapi's media uses UDP 40000–60000, from dynamic IPs in the US (63.182.83.170 in the EU); only signalling has fixed IPs. One-way audio usually means a firewall on the media path, not the trunk.",
      },
    ],
  },
};
