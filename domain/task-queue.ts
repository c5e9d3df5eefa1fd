/** Where setups and their activities run unless configured otherwise; the worker and the CLI must agree on it. */
export const DEFAULT_TASK_QUEUE = 'exotel-trunk-setup';
