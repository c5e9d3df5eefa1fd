/** Where setups and their activities run unless configured otherwise; the worker and the CLI must agree on it. */
export const DEFAULT_TASK_QUEUE = 'exotel-trunk-setup';

/** Every Exotel request of one account runs on this queue, rate-limited to the account's budget. */
export const exotelTaskQueue = (accountSid: string): string => `exotel-${accountSid}`;

/** A voice-AI platform's requests run on a queue of their own: a platform's outage or limits never hold up Exotel's. */
export const voiceAiTaskQueue = (provider: string): string => `voice-ai-${provider}`;
