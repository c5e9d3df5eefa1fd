import { mandatory, notFound, type ApiResult } from '../envelopes';
import type { Store } from '../store';
import type { NumberScope, SimulatorAccount } from '../types';

/** What a route handler sees of a request that already passed auth, rate limiting and body parsing. */
export interface ApiRequest {
  method: string;
  account: SimulatorAccount;
  /** Path parameters; '' when the route has none of that name. */
  params: { trunk_sid: string; id: string };
  query: URLSearchParams;
  /** The parsed JSON body of a POST or PUT; undefined otherwise. */
  body: unknown;
  store: Store;
  /** /v2/accounts/{account_sid} */
  basePath: string;
  numberScope: NumberScope;
}

/** Handlers are synchronous: the whole model is in memory, so a request applies atomically. */
export type Handler = (req: ApiRequest) => ApiResult;

/** A mandatory query parameter (DELETE ?id=, ?trunk_sid=, ?name=); missing is 1001 [I message]. */
export function requiredQuery(req: ApiRequest, name: string, label: string): string {
  const value = req.query.get(name);
  if (!value) throw mandatory(`${label} is mandatory`);
  return value;
}

/** Finds a sub-resource of a trunk by id, or Exotel's 404/1000. */
export function byId<T extends { id: string }>(items: T[], id: string): T {
  const item = items.find((i) => i.id === id);
  if (!item) throw notFound();
  return item;
}

/** Removes and returns a sub-resource by id, or Exotel's 404/1000. */
export function removeById<T extends { id: string }>(items: T[], id: string): T {
  const item = byId(items, id);
  items.splice(items.indexOf(item), 1);
  return item;
}

/** The id a DELETE targets: the path segment when routed that way, else the mandatory `?id=`. */
export function targetId(req: ApiRequest): string {
  return req.params.id !== '' ? req.params.id : requiredQuery(req, 'id', 'Id');
}
