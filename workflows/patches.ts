// Every patch id in the workflow code, with the change it marks. A workflow change that running executions would
// replay differently goes behind `patched(id)` (README, "Changing workflows"); an id is never reused, and is
// removed (with deprecatePatch first) only once no execution that began without it can still be replayed.
export const PATCHES = {
  /** 2026-12: an IP allowlist next to digest credentials is refused without allowAclWithDigest whatever the provider. */
  aclWithDigestForEverySetup: 'acl-with-digest-for-every-setup',
  /** 2026-12: a setup that succeeds hands what it made to its customer line (workflows/line-handover.ts). */
  handOverToLine: 'hand-over-to-line',
  /** 2026-12: a setup for a platform with an API (and an account on the worker) configures the platform's side too. */
  platformSideByApi: 'platform-side-by-api',
  /** 2026-12: an inbound setup probes each destination before Exotel is told it (probe warn | require | off). */
  probeDestinations: 'probe-destinations',
  /**
   * 2026-12: a line's rotations, DID changes and moves change the platform's numbers and credentials on Retell,
   * ElevenLabs and Bolna too (LiveKit's trunk already did): lines that operated before keep their plans on replay.
   */
  platformNumbersOnLines: 'platform-numbers-on-lines',
  /** 2026-12: a setup that finds its customer's ElevenLabs number assigns the setup's agent to it (and a rollback puts back the one it had). */
  elevenLabsAgentOnFoundNumber: 'elevenlabs-agent-on-found-number',
} as const;
