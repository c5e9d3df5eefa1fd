import { signallingIpsField, type ProviderProfile } from '../profile';

const API = 'https://api.daily.co/v1';

export const pipecatDaily: ProviderProfile = {
  name: 'Pipecat via Daily SIP',
  fields: [
    {
      key: 'sipUri',
      label: 'Daily SIP trunk URI',
      description: 'the sip_uri Daily returned for your SIP trunk (POST /v1/sip-trunk), with the port and transport Daily confirms',
      usedFor: ['inbound'],
      requiredFor: ['inbound'],
      rule: {
        kind: 'destination',
        hint: "Daily's sip_uri has no port or transport and Daily documents none, so give host:port;transport=tcp|tls as Daily confirms it",
      },
      example: 'examplecorp-support.siptrunk.sip-us.daily.co:5060;transport=tcp',
    },
    {
      key: 'webhookUrl',
      label: 'Webhook URL',
      description: "your endpoint for Daily's sip_trunk.incoming events; with the platform side by API the setup creates the trunk with it (Daily tests it at creation)",
      usedFor: ['inbound'],
      requiredFor: [],
      rule: { kind: 'pattern', pattern: /^https?:\/\/[^\s/@]+(?:\/\S*)?$/, wording: 'must be an http(s):// URL without credentials' },
      example: 'https://bots.example.com/daily/sip',
    },
    // Daily's trunk_config gates admission by allowed_ips, a credential (which Exotel is not known to answer), or
    // is_open [C].
    signallingIpsField('the Daily SIP trunk (allowed_ips)'),
    {
      key: 'openTrunk',
      label: 'Open trunk',
      description: "yes: the Daily trunk admits any source (is_open), for when Exotel's signalling IPs are not known; the default no needs exotelSignallingIps",
      usedFor: ['inbound'],
      requiredFor: [],
      rule: { kind: 'oneOf', values: ['yes', 'no'] },
      example: 'no',
      default: 'no',
    },
  ],
  numberFormat: 'Daily SIP trunks receive the called number in the Request-URI user part; E.164 (+91…) is assumed.',
  inbound: {
    // Per-room SIP URIs need a live redirect Exotel cannot do; a Daily SIP trunk has one fixed URI [C].
    warning:
      "Only a Daily SIP trunk fits Exotel's fixed destination (Daily's per-room SIP URIs would need a per-call redirect); Daily's SIP host is in the US (sip-us), so expect added latency on Indian calls.",
    targets: [{ kind: 'given', field: 'sipUri' }],
    sheet: [
      {
        title: 'Create the Daily SIP trunk',
        where: `POST ${API}/sip-trunk, Authorization: Bearer <DAILY_API_KEY>`,
        entries: [
          {
            // daily-ruby docs (SipTrunk): trunk_name is 3-63 lower-case letters and digits, no hyphens, and
            // <domain>-<trunk_name> (the SIP host's first label) at most 63 [C].
            label: 'trunk_name',
            value: 'exotel{{didDigits}}',
            note: 'cannot be changed later; it becomes part of the SIP host: 3-63 lower-case letters and digits, no hyphens',
          },
          {
            label: 'notification.webhook_url',
            value: '<your HTTPS endpoint>',
            note: 'must answer Daily\'s signed sip_trunk.test with 2xx when the trunk is created',
          },
          {
            label: 'trunk_config.allowed_ips',
            value: "<Exotel's signalling IPs: ask Exotel>",
            note: 'or trunk_config.is_open: true; trunk_config.credential needs digest, which Exotel is not known to answer',
          },
          { label: 'room_template', value: '<room config for the bot>' },
          {
            label: 'sip_uri (returned)',
            value: '{{destination}}',
            note: 'this setup sends Exotel\'s calls here, with the port and transport you gave',
          },
        ],
      },
    ],
    pitfalls: [
      {
        text: "Daily puts trunk_name into the trunk's SIP host (<domain>-<trunk_name>.siptrunk.sip-us.daily.co): it takes 3-63 lower-case letters and digits, no hyphens, and the host's first label <domain>-<trunk_name> may have at most 63 characters.",
      },
      {
        text: 'Answer each sip_trunk.incoming webhook with 2xx within about 12 s, or the caller gets 480 Notification Failed; the bot must then join room.url and wait for the caller.',
      },
    ],
  },
  outbound: {
    auth: 'acl-only',
    // Daily says provider "daily" has static egress IPs, but the values were not retrievable [C]/[I].
    publishedIps: [],
    transports: [{ spelling: { tls: 'tls', tcp: 'tcp' } }],
    warning:
      "Daily's dial-out has no digest user name or password, so Exotel can admit it only by source IP: give Daily's static egress signalling IPs (provider \"daily\") as providerIps, which works only if Daily's list is a few single IPs. This setup also creates digest credentials, so it needs allowAclWithDigest, after Exotel confirms how it treats the mix.",
    sheet: [
      {
        title: 'Allow dial-out',
        // pipecat-ai/docs #1118 (2026-08) [C]: Daily's dial-out approval applies to phone-number destinations only;
        // dialling a sip: URI never needs it. Pipecat Cloud organisations start with allow_dialout off.
        where: `the room's properties (POST ${API}/rooms or /rooms/{name}); Daily's dial-out approval covers phone-number destinations only, and Exotel's sip: URI needs none`,
        entries: [{ label: 'enable_dialout', value: 'true' }],
      },
      {
        title: 'Dial out through Exotel',
        where: `POST ${API}/rooms/{name}/dialOut/start (or startDialOut in daily-python / Pipecat, with an owner token)`,
        entries: [
          {
            label: 'sipUri',
            value: 'sip:<number to call, E.164>@{{edge}};transport={{transport}}',
            note: 'query parameters on it become X- headers',
          },
          { label: 'provider', value: 'daily', note: "Daily's own SIP, the one with static egress IPs" },
          { label: 'codecs.audio', value: '["PCMA", "PCMU"]' },
        ],
      },
    ],
    pitfalls: [
      {
        text: "Exotel rejects calls whose From is not an ExoPhone on your account, and Daily's sipUri dial-out has no documented caller-id field: check on a test call that Exotel sees {{did}}.",
      },
      {
        text: "On Pipecat Cloud, organisations start with allow_dialout off: turn it on for your organisation before the bot dials out. Daily's dial-out approval is for phone-number destinations only; dialling Exotel's sip: URI does not need it.",
      },
    ],
  },
};
