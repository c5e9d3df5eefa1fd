// /trunks/{tsid}/settings (reference §3 rows 22–24, §4.6). Settings are keyed by name: posting a name again
// replaces its value [I].

import { ExotelError, failureItem, mandatory, notFound, success, type ApiResult, type ItemEnvelope } from '../envelopes';
import { page } from '../paging';
import { decodeObject } from '../request-body';
import { checkAliasValue, checkSettingName } from '../rules';
import { isoNow } from '../store';
import { settingValues } from '../timeline';
import { requiredQuery, type ApiRequest } from './request';

const SETTINGS_BODY = {
  settings: { items: { name: 'string', value: 'string' }, goType: 'TrunkSettingRequest' },
} as const;

export function createSettings(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  const body = decodeObject(req.body, SETTINGS_BODY, 'CreateTrunkSettingsRequest');
  const requested = body.settings ?? [];
  if (requested.length === 0) throw mandatory('Settings is mandatory'); // [I]
  const items: ItemEnvelope[] = requested.map((item) => {
    let name: string;
    let value: string;
    try {
      name = checkSettingName(item.name);
      value = checkAliasValue(item.value);
    } catch (error) {
      if (error instanceof ExotelError) return failureItem(error);
      throw error;
    }
    const now = isoNow();
    const existing = record.settings.find((s) => s.name === name);
    const previous = existing ? settingValues(existing) : undefined;
    const setting = existing
      ? Object.assign(existing, { value, date_updated: now })
      : { name, value, trunk_sid: record.trunk.trunk_sid, date_created: now, date_updated: now };
    if (!existing) record.settings.push(setting);
    req.store.changedTrunk(req.account.sid, record, {
      kind: 'setting',
      operation: existing ? 'update' : 'create',
      values: settingValues(setting),
      ...(previous ? { previous } : {}),
    });
    return success(setting);
  });
  // Settings' batch metadata has no `failed`, even when an item fails (reference §2.3).
  const succeeded = items.filter((i) => i.status === 'success').length;
  return { kind: 'batch', items, metadata: { total: items.length, success: succeeded } };
}

/** [D] Postman only: list-shaped like every other GET [I]. */
export function listSettings(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  return page(record.settings, { path: `${req.basePath}/trunks/${record.trunk.trunk_sid}/settings`, query: req.query });
}

/** [D] DELETE ?name= (Postman only); returns the deleted setting [I]. */
export function deleteSetting(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  const name = requiredQuery(req, 'name', 'Name');
  const setting = record.settings.find((s) => s.name === name);
  if (!setting) throw notFound();
  record.settings.splice(record.settings.indexOf(setting), 1);
  req.store.changedTrunk(req.account.sid, record, { kind: 'setting', operation: 'delete', values: settingValues(setting) });
  return { kind: 'object', data: setting };
}
