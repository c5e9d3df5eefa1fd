// The error contract: every failure type a workflow of this project ends with or reads from an activity, and the
// facts an Exotel failure carries. Activities raise them (activities/failures.ts), workflows read them
// (workflows/failures.ts), ops see them in the UI as the failure's type.
//
//   Exotel.<kind>             an Exotel request failed; details[0] is ExotelFailureDetails. Retryable only for
//                             kinds `transient` and `rate-limited` (exotel/errors.ts decides the kind).
//   VoiceAi.<kind>            a voice-AI platform's request failed (voice-ai/errors.ts); the same kinds and retry
//                             rule; details[0] names the platform, the request, its status and code.
//   InputValidationError      the input breaks a rule; details[0] lists the issues (field, value, rule). Never retried.
//   ConfigurationError        the worker is not configured for what was asked (an unknown Exotel account).
//   Conflict                  Exotel holds something that is not this setup's (a trunk name taken, a DID on
//                             another trunk, a digest user whose password is unknown). Left untouched.
//   TrunkNotFound             the trunk an inbound setup was given does not exist.
//   VerificationMismatch      the read-back differs from what was asked; details list each difference.
//   DestinationUnreachable    with probe require: a destination's probe found nothing answering SIP there.
//   CrossCheckMismatch        Exotel's side and the platform's disagree (address, transport, numbers, media
//                             encryption …); details list each CrossCheckMismatch.
//   InvalidBatchSource        a batch file that cannot be read or whose format is unknown.
//   SetupFailed               a setup ended after rolling back; details[0] is SetupFailureDetails.
//   SetupFailedWithLeftovers  the same, but a compensation failed: what it names needs a person.

export type ExotelErrorKind =
  | 'validation' // Exotel refused the request's content: fix the input, never retry
  | 'auth' // wrong key/token or wrong region: fix the configuration, never retry
  | 'duplicate' // the resource already exists: the caller may look it up and adopt it
  | 'not-found' // gone or never there: a delete counts it as done
  | 'rate-limited' // 429: retry after `retryAfterMs`
  | 'transient' // 5xx, network error, timeout: retry with backoff
  | 'rejected'; // any other refusal (e.g. 405): permanent

export const isRetryableKind = (kind: ExotelErrorKind): boolean => kind === 'transient' || kind === 'rate-limited';

/** What workflows read back from a failed Exotel activity (`ApplicationFailure.details[0]`). */
export interface ExotelFailureDetails {
  kind: ExotelErrorKind;
  httpStatus?: number;
  innerCode?: number;
  exotelCode?: number;
  description: string;
  requestId?: string;
  failedItems?: { item: string; exotelCode?: number; description: string }[];
  succeededIds?: string[];
  retryAfterMs?: number;
}

export const EXOTEL_FAILURE_PREFIX = 'Exotel.';
export const exotelFailureType = (kind: ExotelErrorKind): string => `${EXOTEL_FAILURE_PREFIX}${kind}`;

export const VOICE_AI_FAILURE_PREFIX = 'VoiceAi.';
export const voiceAiFailureType = (kind: ExotelErrorKind): string => `${VOICE_AI_FAILURE_PREFIX}${kind}`;

export const FailureTypes = {
  inputValidation: 'InputValidationError',
  configuration: 'ConfigurationError',
  conflict: 'Conflict',
  trunkNotFound: 'TrunkNotFound',
  verificationMismatch: 'VerificationMismatch',
  crossCheckMismatch: 'CrossCheckMismatch',
  destinationUnreachable: 'DestinationUnreachable',
  invalidBatchSource: 'InvalidBatchSource',
  setupFailed: 'SetupFailed',
  setupFailedWithLeftovers: 'SetupFailedWithLeftovers',
} as const;

/** What a failed setup's failure carries (`details[0]` of SetupFailed and SetupFailedWithLeftovers). */
export interface SetupFailureDetails {
  failedStep: string;
  exotelCode?: number;
  httpStatus?: number;
  description: string;
  requestId?: string;
  rolledBack: string[];
  rollbackFailures: { step: string; error: string }[];
}
