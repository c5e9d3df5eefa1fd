import { AUTH_CHOICE_FIELD, signallingIpsField, transportField, type Condition, type ProviderProfile } from '../profile';

const NEW: Condition = { field: 'edge', equals: 'new' };
const LEGACY: Condition = { field: 'edge', equals: 'legacy' };
const DIGEST: Condition = { field: AUTH_CHOICE_FIELD, equals: 'digest' };
const ACL: Condition = { field: AUTH_CHOICE_FIELD, equals: 'acl' };

const API = 'https://api.bolna.ai';

// bolna.ai docs sip-trunking/byot-setup: legacy media_encryption is no or sdes, and sdes requires transport-tls [C];
// an older page (and Exotel's guide) says SRTP is unsupported [X]. Tolerant: the sheet keeps no, names sdes as the TLS
// option, and never requires it.
const LEGACY_MEDIA = {
  label: 'media_encryption',
  value: 'no',
  note: 'or sdes, which Bolna allows only with transport-tls (an older Bolna page and Exotel\'s guide say no SRTP at all)',
} as const;

// Same page: the legacy trunk's codecs default to μ-law; Exotel prefers A-law (G.711 PCMA), so list it first [C]/[I].
const LEGACY_CODECS = [
  { label: 'allow', value: 'alaw,ulaw', note: "Bolna defaults to μ-law; Exotel prefers A-law" },
  { label: 'disallow', value: 'all' },
] as const;

// Same page: provider is required on the legacy create; its examples name the carrier (twilio, zadarma) [C]/[I].
const LEGACY_PROVIDER = { label: 'provider', value: 'exotel', note: "required; Bolna's examples name the carrier" } as const;

export const bolna: ProviderProfile = {
  name: 'Bolna',
  fields: [
    {
      key: 'edge',
      label: 'Bolna SIP generation',
      description: 'new (/trunk API, trunk.bolna.ai) for new setups; legacy (/sip-trunks API, sip.bolna.ai) for existing trunks',
      usedFor: ['inbound', 'outbound'],
      requiredFor: [],
      rule: { kind: 'oneOf', values: ['new', 'legacy'] },
      example: 'new',
      default: 'new',
    },
    {
      key: AUTH_CHOICE_FIELD,
      label: 'Outbound authentication',
      description: "digest (default), or acl: Exotel allowlists Bolna's published single static IPs instead",
      usedFor: ['outbound'],
      requiredFor: [],
      rule: { kind: 'oneOf', values: ['digest', 'acl'] },
      example: 'digest',
      default: 'digest',
    },
    transportField(['inbound'], 'how Exotel reaches Bolna: tcp (5060, default); tls (5061) on the legacy edge only', 'tcp'),
    {
      key: 'agentId',
      label: 'Agent id',
      description: "the Bolna agent that answers the trunk's calls (default_inbound_agent_id); with the platform side by API the setup sets it",
      usedFor: ['inbound'],
      requiredFor: [],
      rule: { kind: 'pattern', pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, wording: "must be the platform's agent id: up to 128 letters, digits, _ -" },
      example: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
    },
    // Bolna answers 403 to INVITEs from any source not in the trunk's ip_acls [C].
    signallingIpsField('Bolna'),
  ],
  numberFormat:
    'Bolna matches the called number first to the trunk number\'s e164 (+91…), then to its destination_key: the number exactly as Exotel sends it, without +.',
  inbound: {
    targets: [
      // Bolna's edges also take UDP, which Exotel does not send [C]/[X]. Exotel's guide points at the legacy IP
      // 13.200.45.61:5060 [X]; the host name avoids Exotel's rule that an IP-literal destination be allowlisted first.
      { when: LEGACY, kind: 'template', host: 'sip.bolna.ai', ports: { tcp: 5060, tls: 5061 }, defaultTransport: 'tcp' },
      { kind: 'template', host: 'trunk.bolna.ai', ports: { tcp: 5060 }, defaultTransport: 'tcp' },
    ],
    sheet: [
      {
        when: NEW,
        title: 'Create the trunk',
        where: `Bolna → SIP trunks → Exotel preset, or POST ${API}/trunk/trunks (answers 200), Authorization: Bearer <key>`,
        entries: [
          { label: 'name', value: 'Exotel {{did}}' },
          { label: 'preset', value: 'exotel', note: 'a label only: the API fills nothing from it' },
          { label: 'inbound_enabled', value: 'true' },
          { label: 'default_inbound_agent_id', value: '<your agent id>' },
          { label: 'transport', value: 'tcp' },
          { label: 'codecs', value: 'PCMA,PCMU' },
        ],
      },
      {
        when: NEW,
        title: "Admit Exotel's SIP traffic",
        where: `POST ${API}/trunk/trunks/{id}/ip-acls`,
        entries: [
          {
            label: 'ip (one request per address)',
            value: "<Exotel's signalling IPs: ask Exotel>",
            note: 'Bolna answers 403 to INVITEs from any other source IP; Exotel does not publish them',
          },
        ],
      },
      {
        when: NEW,
        title: 'Add the number',
        where: `POST ${API}/trunk/trunks/{id}/numbers`,
        entries: [
          { label: 'e164', value: '{{did}}' },
          { label: 'destination_key', value: '{{didDigits}}', note: 'the called number as Exotel sends it, without +; check it on the first call' },
          { label: 'agent_id', value: '<your agent id>' },
        ],
      },
      {
        when: LEGACY,
        title: 'Create the trunk',
        where: `POST ${API}/sip-trunks/trunks, Authorization: Bearer <key>`,
        entries: [
          { label: 'name', value: 'Exotel {{did}}' },
          LEGACY_PROVIDER,
          { label: 'inbound_enabled', value: 'true' },
          {
            label: 'ip_identifiers[0].ip_address',
            value: "<Exotel's signalling IP: ask Exotel>",
            note: 'one entry per address; Exotel does not publish them',
          },
          { label: 'transport', value: 'transport-{{destinationTransport}}' },
          ...LEGACY_CODECS,
          LEGACY_MEDIA,
        ],
      },
      {
        when: LEGACY,
        title: 'Add the number and link the agent',
        where: `POST ${API}/sip-trunks/trunks/{id}/numbers, then POST ${API}/inbound/setup`,
        entries: [
          { label: 'phone_number', value: '{{did}}' },
          { label: 'agent_id (inbound/setup)', value: '<your agent id>' },
          { label: 'phone_number_id (inbound/setup)', value: '<phone_number_id the numbers call returned>' },
        ],
      },
    ],
    pitfalls: [
      { text: "Bolna's SIP trunks are in beta, behind enterprise access." },
      {
        text: "Exotel's guide sends inbound calls to 13.200.45.61:5060 (the legacy edge's IP, \"confirm first\"); this setup uses Bolna's host name over TCP instead, since Exotel sends no UDP and an IP-literal destination must be on the trunk's ACL first.",
      },
    ],
  },
  outbound: {
    auth: 'digest-or-acl',
    // The only platform with single static egress IPs [C]; GET /trunk/pop has the current list.
    publishedIps: [
      { when: LEGACY, ips: ['13.200.45.61'] },
      { ips: ['15.252.21.46', '13.206.230.198'] },
    ],
    // New trunks speak UDP or TCP only [C]; the legacy API also has transport-tls.
    transports: [
      { when: LEGACY, spelling: { tls: 'transport-tls', tcp: 'transport-tcp' } },
      { spelling: { tcp: 'tcp' } },
    ],
    sheet: [
      {
        when: NEW,
        title: 'Create the trunk',
        where: `Bolna → SIP trunks → Exotel preset, or POST ${API}/trunk/trunks (answers 200), Authorization: Bearer <key>`,
        entries: [
          { label: 'name', value: 'Exotel {{did}}' },
          { label: 'preset', value: 'exotel', note: 'a label only: the API fills nothing from it' },
          { label: 'outbound_enabled', value: 'true' },
          { label: 'transport', value: '{{transport}}' },
          { label: 'codecs', value: 'PCMA,PCMU' },
          { when: DIGEST, label: 'auth_username', value: '{{sipUserName}}' },
          { when: DIGEST, label: 'auth_password', secret: true },
          {
            when: ACL,
            label: 'auth_username / auth_password',
            value: '(leave empty)',
            note: 'Exotel admits Bolna by its IPs {{aclIps}}',
          },
          { label: 'outbound_leading_plus_enabled', value: 'true', note: 'Exotel takes numbers in E.164' },
        ],
      },
      {
        when: NEW,
        title: "Add Exotel's edge as the gateway",
        // bolna.ai docs api-reference/trunks/add_gateway [C]: POST /trunk/trunks/{trunk_id}/gateways with
        // {host, port, priority}, at most 8 gateways per trunk.
        where: `POST ${API}/trunk/trunks/{trunk_id}/gateways (at most 8 gateways per trunk; Bolna dials them by ascending priority)`,
        entries: [
          { label: 'host', value: '{{edgeHost}}' },
          { label: 'port', value: '{{edgePort}}' },
          { label: 'priority', value: '1' },
        ],
      },
      {
        when: NEW,
        title: 'Add the number and call from it',
        where: `POST ${API}/trunk/trunks/{id}/numbers; then the agent's telephony provider = trunk and POST ${API}/call`,
        entries: [
          { label: 'e164', value: '{{did}}' },
          { label: 'destination_key', value: '{{didDigits}}' },
          { label: 'from_phone_number (POST /call)', value: '{{did}}' },
        ],
      },
      {
        when: LEGACY,
        title: 'Create the trunk',
        where: `POST ${API}/sip-trunks/trunks, Authorization: Bearer <key>`,
        entries: [
          { label: 'name', value: 'Exotel {{did}}' },
          LEGACY_PROVIDER,
          { when: DIGEST, label: 'auth_type', value: 'userpass' },
          { when: DIGEST, label: 'auth_username', value: '{{sipUserName}}' },
          { when: DIGEST, label: 'auth_password', secret: true },
          { when: ACL, label: 'auth_type', value: 'ip-based', note: 'Exotel admits Bolna by its IP {{aclIps}}' },
          { label: 'gateways[0].gateway_address', value: '{{edgeHost}}' },
          { label: 'gateways[0].port', value: '{{edgePort}}' },
          { label: 'gateways[0].priority', value: '1' },
          { label: 'transport', value: '{{transport}}' },
          ...LEGACY_CODECS,
          LEGACY_MEDIA,
          { label: 'outbound_leading_plus_enabled', value: 'true' },
        ],
      },
      {
        when: LEGACY,
        title: 'Add the number',
        where: `POST ${API}/sip-trunks/trunks/{id}/numbers; the agent's telephony_provider = sip-trunk`,
        entries: [{ label: 'phone_number', value: '{{did}}' }],
      },
    ],
    pitfalls: [
      { text: "Bolna's SIP trunks are in beta, behind enterprise access." },
      {
        text: "Bolna's docs disagree on SRTP: the legacy API takes media_encryption sdes, but only with transport-tls, while an older Bolna page and Exotel's guide say SRTP is unsupported, and new trunks offer no TLS at all. This sheet leaves media unencrypted (no); try sdes only on a legacy TLS trunk, after a test call.",
      },
      {
        when: ACL,
        text: "Bolna's IPs come from its docs; GET https://api.bolna.ai/trunk/pop returns the current ones: compare before relying on the ACL.",
      },
    ],
  },
};
