import { isLocale } from '../../server/i18n/i18n';
import { canonicalTimeZone } from '../../server/time';
import { IdentityErrors } from './identity.errors';

/** A member's language as given (`en`, `fr`, any case), as stored (`fr`); null: the community's. BAD_USER_INPUT otherwise. */
export function parseMemberLocale(raw: string | null): string | null {
  if (raw === null) return null;
  const locale = raw.trim().toLowerCase();
  if (!isLocale(locale)) throw IdentityErrors.unknownLocale();
  return locale;
}

/** A member's IANA zone as given, as Intl spells it ("europe/paris" → "Europe/Paris"); null: the community's. BAD_USER_INPUT otherwise. */
export function parseMemberTimeZone(raw: string | null): string | null {
  if (raw === null) return null;
  const zone = canonicalTimeZone(raw.trim());
  if (!zone) throw IdentityErrors.unknownTimeZone();
  return zone;
}
