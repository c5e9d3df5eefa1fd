import type { ProviderProfile } from '../profile';

// Sources: fixie-ai/ultradox telephony/sip.mdx (Ultravox's docs, snapshot 2026-04) and docs.ultravox.ai
// api-reference/sip/sip-partial-update (GET/PATCH /api/sip: domain, allowedCidrRanges, allowAllAgents,
// allowedAgents[{agentId, toUserPattern}] at most 20, fallbackHandler) [C]; exotel/AgentStream-VoiceAIEcosystem
// docs/support/exotel-ultravox-sip-trunk.md and ultravox/integrations/exotel-vsip [D], which give no tested values.

const API = 'https://api.ultravox.ai';

export const ultravox: ProviderProfile = {
  name: 'Ultravox',
  fields: [
    {
      key: 'sipDomain',
      label: 'Ultravox account SIP domain',
      description:
        'the domain GET https://api.ultravox.ai/api/sip returns for your account, with the port and transport Exotel should use',
      usedFor: ['inbound'],
      requiredFor: ['inbound'],
      rule: {
        kind: 'destination',
        // The SIP guide documents TCP as :5060;transport=tcp, and shows TLS on :5060 too (for outgoing URIs) [C]; the
        // TLS port of incoming calls is not documented [I], hence a destination the user gives, not a template.
        hint: "Ultravox's SIP config gives a bare domain: add :5060;transport=tcp (documented), or the TLS port Ultravox confirms",
      },
      // The <account>.sip.ultravox.ai shape comes from a third-party test fixture [T].
      example: 'acct1234.sip.ultravox.ai:5060;transport=tcp',
    },
  ],
  numberFormat:
    "Ultravox routes an incoming call by a regex on the To user (agent_<agent_id> by default), not by an imported number; outgoing calls take the number in the SIP URI, E.164 (+91…) here.",
  inbound: {
    // Ultravox matches incoming INVITEs to agents by the To user part [C]; Exotel's destinations carry no user part
    // and it sends the called number there [I], so this path relies on a per-agent toUserPattern; untested end to end.
    warning:
      "Ultravox routes incoming SIP by the To user (agent_<agent_id> by default) while Exotel sends the called number, so this path depends on a per-agent toUserPattern matching the DID in whatever form Exotel sends it; neither Exotel's guide nor Ultravox's docs show it tested. Ultravox's native exotel medium (Exotel Voice Streaming) needs no trunk.",
    targets: [{ kind: 'given', field: 'sipDomain' }],
    sheet: [
      {
        title: 'Admit Exotel and route the DID to your agent',
        where: `PATCH ${API}/api/sip, header X-API-Key (GET ${API}/api/sip shows the current configuration and your domain)`,
        entries: [
          {
            label: 'allowedCidrRanges',
            value: "<each of Exotel's signalling IPs as x.x.x.x/32: ask Exotel>",
            note: 'Exotel does not publish them; 0.0.0.0/0 would admit anyone (Ultravox advises against it)',
          },
          { label: 'allowedAgents[0].agentId', value: '<your agent id>' },
          {
            label: 'allowedAgents[0].toUserPattern',
            value: '^\\+?{{didDigits}}$',
            note: 'matches the called number with or without +; widen it if Exotel sends 0… (at most 20 agents)',
          },
          {
            label: 'Exotel sends to',
            value: '{{destination}}',
            note: 'your read-only domain from GET /api/sip, with the port and transport given in providerFields.sipDomain',
          },
        ],
      },
    ],
    pitfalls: [
      {
        // [I]: a PATCH body's arrays are read as the new lists.
        text: 'Send the allowedCidrRanges and allowedAgents lists whole (keep the entries you already have): a partial update most likely replaces each list it is given.',
      },
      {
        text: "An INVITE that matches no agent pattern is rejected. With many DIDs, Ultravox's fallbackHandler webhook receives each unmatched call with its toUri and answers startAgentCall or reject; GET /api/calls/{call_id}/sip_logs shows what Exotel sent.",
      },
    ],
  },
  outbound: {
    auth: 'digest',
    // Ultravox's SIP runs on Voximplant ("our SIP partner") and Ultravox publishes no egress IPs [C]: digest only.
    publishedIps: [],
    // The SIP guide: UDP by default; TCP and TLS via port and ;transport= on the target URI [C].
    transports: [{ spelling: { tls: 'tls', tcp: 'tcp' } }],
    sheet: [
      {
        title: 'Place each call with the SIP medium',
        where: `POST ${API}/api/agents/{agent_id}/calls (Create Agent Call) or POST ${API}/api/calls, header X-API-Key`,
        entries: [
          { label: 'agent_id (path)', value: '<your agent id>' },
          {
            label: 'medium.sip.outgoing.to',
            value: 'sip:<number to call, E.164>@{{edge}};transport={{transport}}',
            note: 'the port and transport must be explicit: without them Ultravox uses UDP, which Exotel refuses',
          },
          { label: 'medium.sip.outgoing.from', value: '{{did}}', note: 'must be an ExoPhone on your Exotel account' },
          { label: 'medium.sip.outgoing.username', value: '{{sipUserName}}' },
          { label: 'medium.sip.outgoing.password', secret: true },
        ],
      },
    ],
    pitfalls: [
      {
        text: "Ultravox has no stored trunk: the Exotel edge and credentials travel in every call's medium.sip.outgoing, so keep them where your code creates calls. Ultravox's TLS example shows port 5060: keep the port this sheet gives ({{edge}}), which is what Exotel's edge serves.",
      },
      {
        text: 'Ultravox bills SIP minutes from the start of an outgoing call, ringing included (its SIP billing notes).',
      },
    ],
  },
};
