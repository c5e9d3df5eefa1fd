import { transportField, type Condition, type ProviderProfile } from '../profile';

const TWIRP = 'POST https://<project>.livekit.cloud/twirp/livekit.SIP';

// livekit/protocol protobufs/livekit_sip.proto (2026-08): CreateSIPInboundTrunkRequest / CreateSIPOutboundTrunkRequest
// carry the trunk as `trunk: { … }`; the SDK's SipClient builds that wrapper [C]. The console shows the same fields
// without it.
const TRUNK_BODY = 'JSON body { "trunk": { … } } (the labels below are paths in it)';

// Trunk media_encryption defaults to SIP_MEDIA_ENCRYPT_DISABLE [C] (livekit_sip.proto); LiveKit's secure-trunking docs
// pair TLS with media encryption [C] (docs.livekit.io telephony secure-trunking), and Exotel's TLS samples offer SRTP
// (RTP/SAVP, a=crypto AES_CM_128_HMAC_SHA1_80) in both directions [D] (Exotel docs vsip/tls-integration). ALLOW
// ("use encryption if available") on TLS, DISABLE on TCP, is our pairing [I]; REQUIRE is the stricter TLS choice.
// providers.md §3 [C]: the 2026-08 proto deprecates media_encryption in favour of media.encryption; the older field is
// kept here since both readings name the same enum.
const MEDIA_ENCRYPTION = {
  label: 'trunk.media_encryption',
  value: 'SIP_MEDIA_ENCRYPT_ALLOW',
  note: "for a TLS trunk: LiveKit's default is DISABLE, Exotel's TLS offers SRTP (REQUIRE once a test call shows SRTP); over TCP leave SIP_MEDIA_ENCRYPT_DISABLE. Newer protos move it to trunk.media.encryption, same values",
} as const;
const TLS_INBOUND: readonly Condition[] = [
  { field: 'transport', given: false }, // TLS is the default transport
  { field: 'transport', equals: 'tls' },
];

const MEDIA_ENCRYPTION_PITFALL =
  "Over TLS, pair the signalling with media encryption: LiveKit trunks default to SIP_MEDIA_ENCRYPT_DISABLE while Exotel's TLS offers SRTP (RTP/SAVP with a=crypto AES_CM_128_HMAC_SHA1_80), and LiveKit's secure-trunking docs pair TLS with SRTP. Set SIP_MEDIA_ENCRYPT_ALLOW (or REQUIRE) on TLS trunks; a call that connects with no audio over TLS points here.";

export const livekit: ProviderProfile = {
  name: 'LiveKit Cloud',
  fields: [
    {
      key: 'subdomain',
      label: 'SIP subdomain',
      description: 'the LiveKit project id without its p_ prefix (lk project list --json); the SIP host is <subdomain>.sip.livekit.cloud',
      usedFor: ['inbound'],
      requiredFor: ['inbound'],
      rule: {
        kind: 'pattern',
        pattern: /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/,
        wording: 'must be the LiveKit project id without its p_ prefix: letters, digits and -, e.g. abcd1234efgh',
      },
      example: 'abcd1234efgh',
    },
    {
      key: 'region',
      label: 'Region pin',
      description: 'pins inbound calls to a LiveKit region through the host name; Indian numbers are reported to need india',
      usedFor: ['inbound'],
      requiredFor: [],
      rule: { kind: 'oneOf', values: ['aus', 'eu', 'india', 'japan', 'sa', 'uk', 'us'] },
      example: 'india',
    },
    transportField(['inbound'], 'how Exotel reaches LiveKit: tls (5061, default) or tcp (5060)', 'tls'),
    {
      key: 'agentName',
      label: 'Agent name',
      // RoomAgentDispatch.agent_name in livekit/protocol's RoomConfiguration [C]: explicit dispatch by name.
      description: "the agent (its agent_name) LiveKit dispatches into each call's room; with the platform side by API the dispatch rule names it",
      usedFor: ['inbound'],
      requiredFor: [],
      rule: { kind: 'pattern', pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, wording: 'must be an agent name: up to 128 letters, digits, . _ -' },
      example: 'inbound-agent',
    },
  ],
  // livekit/protocol #737 [C]: a leading + is optional when LiveKit matches a trunk's numbers to the called number.
  numberFormat:
    "LiveKit trunk numbers must be E.164 (+91…): national 0… numbers gave unreliable caller ID (Exotel's LiveKit notes). An inbound trunk's numbers must match the called number Exotel sends: a leading + is optional in that match (livekit/protocol#737), but 91… and 0… forms still differ.",
  inbound: {
    targets: [
      // Region pinning is the host name itself [C]; Exotel's guide uses the india pin on 5061 TLS [X].
      {
        when: { field: 'region', given: true },
        kind: 'template',
        host: '{{subdomain}}.{{region}}.sip.livekit.cloud',
        ports: { tls: 5061, tcp: 5060 },
        defaultTransport: 'tls',
      },
      { kind: 'template', host: '{{subdomain}}.sip.livekit.cloud', ports: { tls: 5061, tcp: 5060 }, defaultTransport: 'tls' },
    ],
    sheet: [
      {
        title: 'Create the inbound trunk',
        where: `LiveKit Cloud → Telephony → SIP trunks → Create inbound trunk, or ${TWIRP}/CreateSIPInboundTrunk with ${TRUNK_BODY} (SipClient.createSipInboundTrunk(name, numbers, opts) builds it)`,
        entries: [
          { label: 'trunk.name', value: 'Exotel {{did}}' },
          {
            label: 'trunk.numbers',
            value: '["{{did}}"]',
            note: 'E.164; must match the called number Exotel sends (the leading + is optional in the match)',
          },
          { label: 'trunk.allowed_addresses', value: '(leave empty unless Exotel gives you its signalling IPs)' },
          {
            label: 'trunk.auth_username / trunk.auth_password',
            value: '(leave empty)',
            note: 'Exotel is not known to answer a digest challenge on inbound calls',
          },
          ...TLS_INBOUND.map((when) => ({ when, ...MEDIA_ENCRYPTION })),
          {
            when: { field: 'transport', equals: 'tcp' },
            label: 'trunk.media_encryption',
            value: 'SIP_MEDIA_ENCRYPT_DISABLE',
            note: "LiveKit's default; Exotel offers SRTP only over TLS",
          },
        ],
      },
      {
        title: 'Create the dispatch rule (once, not per call)',
        // livekit/protocol protobufs/livekit_sip.proto (2026-08), since protocol PR #869: dispatch_rule nests rule,
        // trunk_ids, room_config; the top-level fields are deprecated [C].
        where: `LiveKit Cloud → Telephony → Dispatch rules, or ${TWIRP}/CreateSIPDispatchRule with JSON body { "dispatch_rule": { … } } (SipClient.createSipDispatchRule); the top-level rule, trunk_ids and room_config are deprecated`,
        entries: [
          { label: 'dispatch_rule.rule.dispatch_rule_individual.room_prefix', value: 'call-' },
          { label: 'dispatch_rule.trunk_ids', value: '["<the inbound trunk id LiveKit returned>"]' },
          {
            label: 'dispatch_rule.room_config.agents[0].agent_name',
            value: '<your agent name>',
            note: "LiveKit recommends explicit (named) agent dispatch for telephony; the setup's agentName field, when given",
          },
        ],
      },
    ],
    pitfalls: [
      {
        when: { field: 'region', given: false },
        text: "No region pin: Indian numbers are reported not to connect without the india pin (Plivo's guide; Exotel's guide uses <subdomain>.india.sip.livekit.cloud). Set providerFields.region = india unless LiveKit says otherwise.",
      },
      {
        text: "A call that rings and then stays silent means no agent joined the room: check the dispatch rule's agent name (Exotel's LiveKit notes).",
      },
      ...TLS_INBOUND.map((when) => ({ when, text: MEDIA_ENCRYPTION_PITFALL })),
    ],
  },
  outbound: {
    auth: 'digest',
    // LiveKit Cloud publishes static IP ranges, not single IPs [C]: they cannot go on Exotel's /32 ACL.
    publishedIps: [],
    transports: [{ spelling: { tls: 'SIP_TRANSPORT_TLS', tcp: 'SIP_TRANSPORT_TCP' } }],
    sheet: [
      {
        title: 'Create the outbound trunk',
        where: `LiveKit Cloud → Telephony → SIP trunks → Create outbound trunk, or ${TWIRP}/CreateSIPOutboundTrunk with ${TRUNK_BODY} (SipClient.createSipOutboundTrunk(name, address, numbers, { transport, authUsername, authPassword, destinationCountry }) builds it)`,
        entries: [
          { label: 'trunk.name', value: 'Exotel {{did}}' },
          {
            label: 'trunk.address',
            value: '{{edge}}',
            note: "no sip: prefix; Exotel's guide puts host:port here, LiveKit documents a host name",
          },
          { label: 'trunk.transport', value: '{{transport}}' },
          { label: 'trunk.numbers', value: '["{{did}}"]', note: 'the caller id, E.164 with +' },
          { label: 'trunk.auth_username', value: '{{sipUserName}}' },
          { label: 'trunk.auth_password', secret: true },
          {
            label: 'trunk.destination_country',
            value: '{{didCountry}}',
            note: "calls then originate in LiveKit's region for that country",
          },
          MEDIA_ENCRYPTION,
        ],
      },
      {
        title: 'Place a call',
        where: `${TWIRP}/CreateSIPParticipant (SipClient.createSipParticipant)`,
        entries: [
          { label: 'sip_trunk_id', value: '<the outbound trunk id LiveKit returned>' },
          { label: 'sip_number', value: '{{did}}' },
          { label: 'sip_call_to', value: '<number to call, E.164>' },
          { label: 'room_name', value: '<the room your agent is in>' },
        ],
      },
    ],
    pitfalls: [
      {
        text: "Over TCP, Exotel's 200 OK has carried a Contact with transport=tls and LiveKit's ACK then failed with connection refused on :5070 (livekit/sip#730, 2026): prefer TLS, or a LiveKit SIP release with the fix.",
      },
      // The edge's transport is not a field, so neither the entry nor this pitfall can be conditioned on TLS: the entry's
      // note says what to enter over TCP. India's default edge is TLS (in.voip.exotel.com:443).
      { text: MEDIA_ENCRYPTION_PITFALL },
    ],
  },
};
