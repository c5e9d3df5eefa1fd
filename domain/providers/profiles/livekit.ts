import { transportField, type ProviderProfile } from '../profile';

const TWIRP = 'POST https://<project>.livekit.cloud/twirp/livekit.SIP';

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
  ],
  numberFormat:
    "LiveKit trunk numbers must be E.164 (+91…): national 0… numbers gave unreliable caller ID (Exotel's LiveKit notes), and an inbound trunk's numbers must match the called number exactly as Exotel sends it.",
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
        where: `LiveKit Cloud → Telephony → SIP trunks → Create inbound trunk, or ${TWIRP}/CreateSIPInboundTrunk (SipClient.createSipInboundTrunk(name, numbers, opts))`,
        entries: [
          { label: 'name', value: 'Exotel {{did}}' },
          { label: 'numbers', value: '["{{did}}"]', note: 'E.164 with +; must match the called number Exotel sends' },
          { label: 'allowed_addresses', value: '(leave empty unless Exotel gives you its signalling IPs)' },
          {
            label: 'auth_username / auth_password',
            value: '(leave empty)',
            note: 'Exotel is not known to answer a digest challenge on inbound calls',
          },
        ],
      },
      {
        title: 'Create the dispatch rule (once, not per call)',
        where: `LiveKit Cloud → Telephony → Dispatch rules, or ${TWIRP}/CreateSIPDispatchRule (SipClient.createSipDispatchRule)`,
        entries: [
          { label: 'rule.dispatch_rule_individual.room_prefix', value: 'call-' },
          { label: 'trunk_ids', value: '["<the inbound trunk id LiveKit returned>"]' },
          {
            label: 'room_config.agents[0].agent_name',
            value: '<your agent name>',
            note: 'LiveKit recommends explicit (named) agent dispatch for telephony',
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
        where: `LiveKit Cloud → Telephony → SIP trunks → Create outbound trunk, or ${TWIRP}/CreateSIPOutboundTrunk (SipClient.createSipOutboundTrunk(name, address, numbers, { transport, authUsername, authPassword, destinationCountry }))`,
        entries: [
          { label: 'name', value: 'Exotel {{did}}' },
          {
            label: 'address',
            value: '{{edge}}',
            note: "no sip: prefix; Exotel's guide puts host:port here, LiveKit documents a host name",
          },
          { label: 'transport', value: '{{transport}}' },
          { label: 'numbers', value: '["{{did}}"]', note: 'the caller id, E.164 with +' },
          { label: 'auth_username', value: '{{sipUserName}}' },
          { label: 'auth_password', secret: true },
          {
            label: 'destination_country',
            value: '{{didCountry}}',
            note: "calls then originate in LiveKit's region for that country",
          },
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
    ],
  },
};
