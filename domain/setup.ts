// The shapes a setup is asked for, and its status. One object per workflow so fields can be added later.
import type { Duration } from '@temporalio/common';
import type { ProviderSide } from './platform-side';

export type Direction = 'outbound' | 'inbound';

/** How long a setup whose step failed for good waits for an operator, unless its input says. */
export const DEFAULT_OPS_DECISION_TIMEOUT = '24h';

/** `host:port;transport=tls|tcp`, as Exotel takes a destination URI (no `sip:` prefix). */
export type DestinationUri = string;

export interface SetupBase {
  /** The platform's own customer key; setups, trunk names and workflow ids derive from it. */
  customerId: string;
  /** Exotel account sid; its API key, token and region come from the worker's configuration, never from here. */
  exotelAccountSid: string;
  /** The DID (ExoPhone) in E.164, e.g. +919876543210; with several, the first of `dids` (the outbound caller id). */
  did: string;
  /**
   * All the customer's DIDs, when there are more than one: they share the trunk and, outbound, its digest
   * credential, so k numbers cost 2 + k requests, not 3k. Absent for a single DID.
   */
  dids?: string[];
  /** Voice-AI platform the trunk is for: one of domain/providers' ids, e.g. `livekit` (`trunkctl providers`). */
  provider?: string;
  /** The platform's own fields, e.g. LiveKit's `{ subdomain, region }`; checked against its profile. */
  providerFields?: Record<string, string>;
  /**
   * Who configures the platform's side: `api`, this setup, through the platform's API (domain/platform-side.ts
   * lists the platforms; the worker needs an account for it), or `manual`, a person with the handoff sheet.
   * Default: `api` where the platform has one and the worker an account, else `manual`, said in the result.
   */
  providerSide?: ProviderSide;
  /** Which of the worker's accounts on the platform serves this customer; default its only one. Never a key. */
  platformAccount?: string;
  /**
   * How long a setup whose step failed for good waits for an operator's decision (retry or roll back) before it
   * rolls back by itself: a Temporal duration such as '24h' or '15m', or milliseconds. 0 rolls back at once.
   * Default DEFAULT_OPS_DECISION_TIMEOUT (24h).
   */
  opsDecisionTimeout?: Duration;
  /** Set by a batch migration on its setups: the batch's workflow id, told when the setup waits for ops. */
  notifyWorkflowId?: string;
}

/** Every DID of a setup, the first (`did`) first. */
export const didsOf = (input: Pick<SetupBase, 'did' | 'dids'>): string[] => input.dids ?? [input.did];

export interface OutboundSetupInput extends SetupBase {
  /** Static /32 egress IPs of the voice-AI platform to allowlist; omit for digest-only (the default). */
  providerIps?: string[];
  /** An ACL next to digest credentials is refused (Exotel's auth-precedence warning) unless this is set. */
  allowAclWithDigest?: boolean;
}

export interface InboundSetupInput extends SetupBase {
  /** An existing trunk to attach the DID to; when absent the setup creates one. */
  trunkSid?: string;
  /** Where Exotel sends inbound calls, in order of preference. */
  destinations: DestinationUri[];
  /**
   * Before Exotel is told a destination, the worker checks something answers there (DNS, TCP, TLS certificate, SIP
   * OPTIONS): `warn` (default) records the verdict in the status and result; `require` also stops the setup, for
   * ops to decide, when one is not reachable; `off` skips it. A probe from the worker is not a call from Exotel: an
   * endpoint that admits only Exotel's addresses fails it and still works, hence warn by default.
   */
  probe?: ProbeMode;
}

export type ProbeMode = 'warn' | 'require' | 'off';

/** A setup of either direction, as the CLI, signup events and batches ask for one. */
export type SetupRequest =
  | { direction: 'outbound'; input: OutboundSetupInput }
  | { direction: 'inbound'; input: InboundSetupInput };

export type StepState = 'pending' | 'running' | 'done' | 'failed' | 'compensated' | 'skipped';

export interface StepStatus {
  name: string;
  state: StepState;
  /** Ids of what the step made or adopted, e.g. `{ trunkSid }`; never a secret. */
  resource?: Record<string, string | string[]>;
  error?: string;
}

export type SetupPhase = 'running' | 'awaiting-ops' | 'succeeded' | 'rolling-back' | 'rolled-back' | 'failed';

/** What an operator may change when retrying a failed step. */
export interface SetupCorrections {
  did?: string;
  dids?: string[];
  providerIps?: string[];
  destinations?: DestinationUri[];
  trunkSid?: string;
}

export type OpsAction = 'retry' | 'rollback';

/** An operator's decision about a setup awaiting ops (Update `decide`, or Signal `decision` with the same JSON). */
export interface OpsDecision {
  action: OpsAction;
  /** With `retry`: fields to change before the failed step runs again. */
  corrections?: SetupCorrections;
  /** Who decided and why, kept in the setup's status. */
  note?: string;
}

export interface AwaitingOps {
  step: string;
  error: string;
  /** ISO times: when the setup started waiting, and when it rolls back by itself. */
  since: string;
  rollsBackAt: string;
  choices: OpsAction[];
  /** The fields a retry may correct at this point (those no finished step has used yet). */
  correctable: (keyof SetupCorrections)[];
}

export interface SetupStatus {
  direction: Direction;
  customerId: string;
  phase: SetupPhase;
  steps: StepStatus[];
  /** Present while the setup waits for an operator. */
  awaitingOps?: AwaitingOps;
  /** Every operator decision taken or refused, oldest first. */
  decisions: { at: string; decision: OpsDecision; outcome: string }[];
}
