// The eleven voice-AI platforms this tool hands Exotel trunks to. Facts and their confidence: docs/providers.md.
import type { ProviderProfile } from './profile';
import { bolna } from './profiles/bolna';
import { elevenlabs } from './profiles/elevenlabs';
import { livekit } from './profiles/livekit';
import { nlpearl } from './profiles/nlpearl';
import { pipecatDaily } from './profiles/pipecat-daily';
import { rapida } from './profiles/rapida';
import { retell } from './profiles/retell';
import { smallestAtoms } from './profiles/smallest-atoms';
import { ultravox } from './profiles/ultravox';
import { vapi } from './profiles/vapi';
import { vocallabs } from './profiles/vocallabs';

export type ProviderId =
  | 'elevenlabs'
  | 'livekit'
  | 'retell'
  | 'bolna'
  | 'pipecat-daily'
  | 'smallest-atoms'
  | 'vocallabs'
  | 'rapida'
  | 'nlpearl'
  | 'vapi'
  | 'ultravox';

export const PROVIDERS: Record<ProviderId, ProviderProfile> = {
  elevenlabs,
  livekit,
  retell,
  bolna,
  'pipecat-daily': pipecatDaily,
  'smallest-atoms': smallestAtoms,
  vocallabs,
  rapida,
  nlpearl,
  vapi,
  ultravox,
};

export const PROVIDER_IDS = Object.keys(PROVIDERS) as ProviderId[];

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PROVIDERS, value);
}
