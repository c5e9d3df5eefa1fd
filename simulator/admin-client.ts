// A typed client for /_admin, for tests, demos and users' dry runs.

import type {
  ActiveFault,
  FaultSpec,
  LoggedRequest,
  RateLimitConfig,
  RequestLogFilter,
  SimulatorState,
  SimulatorTimeline,
  TimelineFilter,
} from './types';

export class SimulatorAdmin {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly adminToken?: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async health(): Promise<{ status: 'ok' }> {
    return this.call('GET', '/_admin/health');
  }

  async state(): Promise<SimulatorState> {
    return this.call('GET', '/_admin/state');
  }

  async requests(filter: RequestLogFilter = {}): Promise<LoggedRequest[]> {
    const query = new URLSearchParams();
    if (filter.account !== undefined) query.set('account', filter.account);
    if (filter.since !== undefined) query.set('since', String(filter.since));
    const suffix = query.size > 0 ? `?${query.toString()}` : '';
    return this.call('GET', `/_admin/requests${suffix}`);
  }

  /** Every change of state (oldest first) matching the filter; pass it to momentsWithout or unroutedMoments. */
  async timeline(filter: TimelineFilter = {}): Promise<SimulatorTimeline> {
    const query = new URLSearchParams();
    if (filter.account !== undefined) query.set('account', filter.account);
    if (filter.trunk !== undefined) query.set('trunk', filter.trunk);
    if (filter.number !== undefined) query.set('number', filter.number);
    if (filter.since !== undefined) query.set('since', String(filter.since));
    const suffix = query.size > 0 ? `?${query.toString()}` : '';
    return this.call('GET', `/_admin/timeline${suffix}`);
  }

  async clearRequests(): Promise<void> {
    await this.call('DELETE', '/_admin/requests');
  }

  /** Clears trunks, the timeline, the request log and faults. */
  async reset(): Promise<void> {
    await this.call('POST', '/_admin/reset');
  }

  async addFault(fault: FaultSpec): Promise<{ id: string }> {
    const active = await this.call<ActiveFault>('POST', '/_admin/faults', fault);
    return { id: active.id };
  }

  async faults(): Promise<ActiveFault[]> {
    return this.call('GET', '/_admin/faults');
  }

  async removeFault(id: string): Promise<void> {
    await this.call('DELETE', `/_admin/faults/${encodeURIComponent(id)}`);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/_admin/faults');
  }

  /** false turns rate limiting off. */
  async setRateLimit(rateLimit: RateLimitConfig | false): Promise<void> {
    await this.call('PUT', '/_admin/rate-limit', rateLimit === false ? { off: true } : rateLimit);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.adminToken !== undefined) headers.Authorization = `Bearer ${this.adminToken}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator admin ${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }
}
