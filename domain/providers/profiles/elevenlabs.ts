import { transportField, type ProviderProfile } from '../profile';

const IMPORT_WHERE =
  'ElevenLabs → Agents → Phone Numbers → Import number → SIP trunk, or POST /v1/convai/phone-numbers ' +
  '(https://api.elevenlabs.io; India residency https://api.in.residency.elevenlabs.io), header xi-api-key';

export const elevenlabs: ProviderProfile = {
  name: 'ElevenLabs Agents',
  fields: [
    {
      key: 'residency',
      label: 'Data residency',
      description: 'send inbound calls to the ElevenLabs residency host of this region; the agent must live there too',
      usedFor: ['inbound'],
      requiredFor: [],
      rule: { kind: 'oneOf', values: ['in', 'sg'] },
      example: 'in',
    },
    transportField(['inbound'], 'how Exotel reaches ElevenLabs: tls (5061, default) or tcp (5060)', 'tls'),
  ],
  numberFormat:
    'ElevenLabs imports numbers in E.164 (+91…) and routes an inbound call by the number before the @ of its Request-URI.',
  inbound: {
    targets: [
      // The India host comes from Plivo's preset and integrators [T]; Singapore follows the same pattern [I].
      {
        when: { field: 'residency', given: true },
        kind: 'template',
        host: 'sip.rtc.{{residency}}.residency.elevenlabs.io',
        ports: { tls: 5061, tcp: 5060 },
        defaultTransport: 'tls',
      },
      // ElevenLabs: TCP on 5060, TLS on 5061, UDP unavailable [C].
      { kind: 'template', host: 'sip.rtc.elevenlabs.io', ports: { tls: 5061, tcp: 5060 }, defaultTransport: 'tls' },
    ],
    sheet: [
      {
        title: 'Import the number as a SIP trunk number',
        where: IMPORT_WHERE,
        entries: [
          { label: 'provider', value: 'sip_trunk' },
          { label: 'phone_number', value: '{{did}}' },
          { label: 'label', value: 'Exotel {{did}}' },
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
        title: 'Answer with your agent',
        where: 'PATCH /v1/convai/phone-numbers/{phone_number_id} (the id the import returned)',
        entries: [{ label: 'agent_id', value: '<your agent id>' }],
      },
    ],
    pitfalls: [
      {
        when: { field: 'residency', equals: 'in' },
        text: 'The India residency SIP host comes from a third party (Plivo\'s guide), not ElevenLabs\' own docs; if it does not resolve, use the global host.',
      },
      {
        when: { field: 'residency', equals: 'sg' },
        text: 'The Singapore residency SIP host is inferred from the India one and unconfirmed; check it with ElevenLabs.',
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
            label: 'outbound_trunk_config.address',
            value: '{{edge}}',
            note: "no sip: prefix; Exotel's guide puts host:port here, ElevenLabs does not say whether it takes a port",
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
    ],
  },
};
