import { transportField, type Condition, type ProviderProfile } from '../profile';

const IMPORT_WHERE =
  'ElevenLabs → Agents → Phone Numbers → Import number → SIP trunk, or POST /v1/convai/phone-numbers ' +
  '(https://api.elevenlabs.io; residency https://api.in.residency.elevenlabs.io or https://api.sg.residency.elevenlabs.io), ' +
  'header xi-api-key';

const STATIC: Condition = { field: 'sipStack', equals: 'sip-static' };

// elevenlabs-js CreateSipTrunkPhoneNumberRequest: agentId is accepted in the import body itself [C].
const AGENT_AT_IMPORT = {
  label: 'agent_id',
  value: '<your agent id>',
  note: 'binds the agent at import (elevenlabs-js: agentId); no separate PATCH needed',
} as const;

export const elevenlabs: ProviderProfile = {
  name: 'ElevenLabs Agents',
  fields: [
    {
      key: 'residency',
      label: 'Data residency',
      description: 'send inbound calls to the ElevenLabs residency host of this region; the agent must live there too',
      usedFor: ['inbound'],
      requiredFor: [],
      rule: { kind: 'oneOf', values: ['in', 'sg', 'eu'] },
      example: 'in',
    },
    {
      // The value is the host's first label, so the host templates below can name it (no interpreter change).
      key: 'sipStack',
      label: 'SIP host stack',
      description:
        "sip (default, the standard servers) or sip-static (ElevenLabs' Enterprise static-IP servers, the only residency hosts ElevenLabs documents)",
      usedFor: ['inbound'],
      requiredFor: [],
      rule: { kind: 'oneOf', values: ['sip', 'sip-static'] },
      example: 'sip-static',
      default: 'sip',
    },
    transportField(['inbound'], 'how Exotel reaches ElevenLabs: tls (5061, default) or tcp (5060)', 'tls'),
    // agentId in the import body (elevenlabs-js CreateSipTrunkPhoneNumberRequest [C]).
    {
      key: 'agentId',
      label: 'Agent id',
      description: 'the ElevenLabs agent assigned to the number (both directions); with the platform side by API the setup assigns it when it imports the number',
      usedFor: ['inbound', 'outbound'],
      requiredFor: [],
      rule: { kind: 'pattern', pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, wording: 'must be the platform\'s agent id: up to 128 letters, digits, _ -' },
      example: 'agent_01abcdef23456789',
    },
  ],
  numberFormat:
    'ElevenLabs imports numbers in E.164 (+91…) and routes an inbound call by the number before the @ of its Request-URI.',
  inbound: {
    targets: [
      // elevenlabs.io docs, eleven-agents phone-numbers/sip-trunking (2026): the only residency hosts documented are
      // sip-static.rtc.<eu|in|sg>.residency.elevenlabs.io (Enterprise static IPs) [C]. The non-static India host
      // sip.rtc.in.residency.elevenlabs.io appears only in a third-party preset (Plivo) [T]; non-static sg and eu are
      // unsourced [I]. Both readings stay: sipStack picks sip (default, as before) or sip-static.
      {
        when: { field: 'residency', given: true },
        kind: 'template',
        host: '{{sipStack}}.rtc.{{residency}}.residency.elevenlabs.io',
        ports: { tls: 5061, tcp: 5060 },
        defaultTransport: 'tls',
      },
      // ElevenLabs: TCP on 5060, TLS on 5061, UDP unavailable [C]; sip-static.rtc.elevenlabs.io is the global static host [C].
      {
        kind: 'template',
        host: '{{sipStack}}.rtc.elevenlabs.io',
        ports: { tls: 5061, tcp: 5060 },
        defaultTransport: 'tls',
      },
    ],
    sheet: [
      {
        title: 'Import the number as a SIP trunk number',
        where: IMPORT_WHERE,
        entries: [
          { label: 'provider', value: 'sip_trunk' },
          { label: 'phone_number', value: '{{did}}' },
          { label: 'label', value: 'Exotel {{did}}' },
          AGENT_AT_IMPORT,
          {
            label: 'inbound_trunk_config.credentials',
            value: '(leave empty)',
            note: 'Exotel is not known to answer a digest challenge on inbound calls',
          },
          {
            label: 'inbound_trunk_config.allowed_addresses',
            value: '(leave empty unless Exotel gives you its signalling IPs)',
          },
          { label: 'inbound_trunk_config.media_encryption', value: 'allowed', note: "ElevenLabs' default" },
        ],
      },
      {
        title: 'Or bind the agent afterwards',
        where: 'PATCH /v1/convai/phone-numbers/{phone_number_id} (the id the import returned)',
        entries: [{ label: 'agent_id', value: '<your agent id>', note: 'only if the import did not set it' }],
      },
      {
        when: STATIC,
        title: 'Put the number on the static-IP SIP stack',
        where: 'PATCH /v1/convai/phone-numbers/{phone_number_id}',
        entries: [
          {
            label: 'livekit_stack',
            value: 'static',
            // providers.md §2: livekit_stack standard|static exists [C]; that it selects the static servers is [I].
            note: 'presumably what puts the number on the static-IP servers {{destination}} belongs to: confirm with ElevenLabs',
          },
        ],
      },
    ],
    pitfalls: [
      {
        when: { field: 'residency', equals: 'in' },
        text: "ElevenLabs documents only sip-static.rtc.in.residency.elevenlabs.io (its Enterprise static-IP servers: sipStack = sip-static) for India; the non-static sip.rtc.in.residency.elevenlabs.io comes from a third party (Plivo's preset). This sheet sends to {{destination}}: if it does not resolve or refuses the call, try the other one or the global host.",
      },
      {
        when: { field: 'residency', equals: 'sg' },
        text: 'ElevenLabs documents only sip-static.rtc.sg.residency.elevenlabs.io (Enterprise static IPs) for Singapore; a non-static Singapore host is unsourced (inferred from the India one). This sheet sends to {{destination}}: confirm it with ElevenLabs.',
      },
      {
        when: { field: 'residency', equals: 'eu' },
        text: 'ElevenLabs documents only sip-static.rtc.eu.residency.elevenlabs.io (Enterprise static IPs) for the EU; a non-static EU host is unsourced. This sheet sends to {{destination}}: confirm it with ElevenLabs.',
      },
      {
        when: STATIC,
        text: "The sip-static hosts are ElevenLabs' Enterprise static-IP SIP servers: they need the static-IP option on your plan and the number on the static stack (livekit_stack = static, presumably).",
      },
      {
        text: 'A bare sip:sip.rtc.elevenlabs.io fails: ElevenLabs needs the imported number before the @. If calls are refused, turn on store_sip_messages and read GET /v1/convai/phone-numbers/{id}/sip-messages to see the number Exotel sent.',
      },
    ],
  },
  outbound: {
    auth: 'digest',
    // Default egress is dynamic; the Enterprise static option is a whole /24, which Exotel's /32 ACL cannot hold [C].
    publishedIps: [],
    transports: [{ spelling: { tls: 'tls', tcp: 'tcp' } }],
    sheet: [
      {
        title: 'Import the number with an outbound trunk',
        where: IMPORT_WHERE,
        entries: [
          { label: 'provider', value: 'sip_trunk' },
          { label: 'phone_number', value: '{{did}}' },
          { label: 'label', value: 'Exotel {{did}}' },
          {
            // elevenlabs-js CreateSipTrunkPhoneNumberRequest: address is "Hostname or IP" [C]; host:port is accepted
            // in practice [T] and is what Exotel's guide uses [X]; Exotel's edge serves no default port, so it stays.
            label: 'outbound_trunk_config.address',
            value: '{{edge}}',
            note: 'no sip: prefix; ElevenLabs documents "Hostname or IP", host:port is accepted in practice and Exotel\'s edge needs its port',
          },
          { label: 'outbound_trunk_config.transport', value: '{{transport}}' },
          { label: 'outbound_trunk_config.credentials.username', value: '{{sipUserName}}' },
          { label: 'outbound_trunk_config.credentials.password', secret: true },
          { label: 'outbound_trunk_config.media_encryption', value: 'allowed', note: "ElevenLabs' default" },
          { label: 'outbound_trunk_config.enabled_codecs', value: '["PCMA/8000", "PCMU/8000"]' },
        ],
      },
      {
        title: 'Place a call',
        where: 'POST /v1/convai/sip-trunk/outbound-call',
        entries: [
          { label: 'agent_id', value: '<your agent id>' },
          { label: 'agent_phone_number_id', value: '<phone_number_id the import returned>' },
          { label: 'to_number', value: '<number to call, E.164>' },
        ],
      },
    ],
    pitfalls: [
      {
        text: 'Keep the credentials: without them ElevenLabs assumes IP authentication, and its egress IPs are dynamic (the Enterprise static option is a whole /24, which Exotel\'s /32-only ACL cannot hold).',
      },
      {
        // livekit/sip #817 [T]: the digest uri= dropped the port/transport and strict SBCs answered 401 forever.
        text: "ElevenLabs documents outbound_trunk_config.address as \"Hostname or IP\"; {{edge}} with its port is accepted in practice, but digest with a non-default port has looped on 401 against strict SBCs (livekit/sip#817: the digest uri= dropped the port). If Exotel keeps challenging a correct password, this is the likely cause: raise it with ElevenLabs and Exotel (a bare host would mean 5060/5061, which Exotel's edge does not serve).",
      },
    ],
  },
};
