// Production settings shared by the worker and the signup receiver: where metrics and health are served, how much
// is logged. Unset means off (no ops server, no metrics) and INFO.
import type { LogLevel } from '@temporalio/common';
import { IssueCollector } from '../domain/issues';
import { LOG_LEVELS } from './logger';

export interface OpsConfig {
  /** OPS_PORT: GET /metrics (the SDK's and the project's metrics) and GET /healthz. */
  opsPort?: number;
  /** OPS_HOST: the interface they listen on; loopback unless set (0.0.0.0 for a scraper in another container). */
  opsHost?: string;
  /** LOG_LEVEL: TRACE, DEBUG, INFO (default), WARN or ERROR. */
  logLevel: LogLevel;
}

export function loadOpsConfig(env: NodeJS.ProcessEnv = process.env): OpsConfig {
  const c = new IssueCollector();
  const port = env.OPS_PORT || undefined;
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) > 65535)) c.add('OPS_PORT', port, 'must be a port number 0-65535');
  const opsHost = env.OPS_HOST || undefined;
  if (opsHost !== undefined && !/^(\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]+|[A-Za-z0-9.-]+)$/.test(opsHost)) c.add('OPS_HOST', opsHost, 'must be a host name or address, e.g. 0.0.0.0');
  // Refused rather than ignored: a scrape job on the old port would otherwise find nothing, and nobody would know why.
  if (env.SDK_METRICS_ADDRESS) {
    c.add('SDK_METRICS_ADDRESS', env.SDK_METRICS_ADDRESS, "is no longer read: the SDK's metrics are on OPS_PORT's /metrics with the project's; remove it (and the scrape of its port)");
  }
  const level = (env.LOG_LEVEL || 'INFO').toUpperCase();
  if (!(LOG_LEVELS as string[]).includes(level)) c.add('LOG_LEVEL', env.LOG_LEVEL, `must be one of ${LOG_LEVELS.join(', ')}`);
  c.throwIfAny();
  return {
    ...(port !== undefined ? { opsPort: Number(port) } : {}),
    ...(opsHost !== undefined ? { opsHost } : {}),
    logLevel: level as LogLevel,
  };
}
