// Exotel's resource objects as the client returns them: field names as on the wire, ids always strings
// (Exotel sends digit strings; one newer doc page shows numbers, so the client converts).

export type ExotelSubdomain = 'api.in.exotel.com' | 'api.exotel.com';

export interface ExotelTrunk {
  trunk_sid: string;
  trunk_name: string;
  status?: string;
  domain_name?: string;
  nso_code?: string;
  auth_type?: string;
  registration_enabled?: string;
  edge_preference?: string;
  secure_trunking?: string;
  date_created?: string;
  date_updated?: string;
}

export type PhoneNumberMode = 'pstn' | 'flow';

export interface ExotelPhoneNumber {
  id: string;
  phone_number: string;
  trunk_sid?: string;
  /** null when created without a mode, which behaves like `pstn`. */
  mode?: PhoneNumberMode | null;
  date_created?: string;
  date_updated?: string;
}

export interface ExotelCredential {
  id: string;
  user_name: string;
  friendly_name?: string | null;
  trunk_sid?: string;
  date_created?: string;
  date_updated?: string;
}

export interface ExotelWhitelistedIp {
  id: string;
  ip: string;
  mask: number;
  trunk_sid?: string;
  friendly_name?: string | null;
  date_created?: string;
  date_updated?: string;
}

export interface ExotelDestinationUri {
  id: string;
  /** As Exotel echoes it: with a `sip:` prefix. */
  destination: string;
  type?: string;
  priority?: number;
  weight?: number;
  trunk_sid?: string;
  date_created?: string;
  date_updated?: string;
}

export interface ExotelSetting {
  name: string;
  value: string;
  trunk_sid?: string;
  date_created?: string;
  date_updated?: string;
}

/** The kinds of resource a setup creates (and a rollback deletes). */
export const EXOTEL_RESOURCES = ['trunk', 'phone-number', 'credential', 'whitelisted-ip', 'destination-uri'] as const;
export type ExotelResource = (typeof EXOTEL_RESOURCES)[number];
