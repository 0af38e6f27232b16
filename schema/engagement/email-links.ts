import { createHash, createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAC_BYTES = 16;

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const bytesUuid = (bytes: Buffer) => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/**
 * Signed, member-specific tokens for links in emails: they work without a login, cannot be forged
 * or altered (HMAC), and each purpose has its own key so a click token never unsubscribes.
 * Tokens carry ids only: short enough for any mail client, nothing private in them.
 */
export class EmailLinks {
  /** KeyObjects, made once: a raw Buffer key is converted again on every HMAC (each digest signs several links). */
  private readonly keys: Record<'click' | 'sessionClick' | 'unsubscribe', KeyObject>;

  constructor(
    secret: string,
    private readonly publicUrl: string,
  ) {
    const derive = (purpose: string) => createSecretKey(createHash('sha256').update(`hearth-email:${purpose}:${secret}`).digest());
    this.keys = { click: derive('click'), sessionClick: derive('session-click'), unsubscribe: derive('unsubscribe') };
  }

  clickUrl(digestId: string, contentId: string): string {
    return `${this.publicUrl}/r/${this.sign('click', [digestId, contentId])}`;
  }

  /** A link of a session email to an item (the replay), through `/r/` like a digest's, so its click is attributed to the email. */
  sessionClickUrl(sessionId: string, memberId: string, contentId: string): string {
    return `${this.publicUrl}/r/${this.sign('sessionClick', [sessionId, memberId, contentId])}`;
  }

  unsubscribeUrl(memberId: string): string {
    return `${this.publicUrl}/unsubscribe/${this.sign('unsubscribe', [memberId])}`;
  }

  preferencesUrl(): string {
    return `${this.publicUrl}/settings/email`;
  }

  /** Where the member reads what is new for them (the "see everything new" link of a digest). */
  feedUrl(): string {
    return `${this.publicUrl}/feed?source=EMAIL`;
  }

  /** Where a click lands: the item in the community's app, marked as coming from an email. */
  contentUrl(contentId: string): string {
    return `${this.publicUrl}/content/${contentId}?source=EMAIL`;
  }

  readClick(token: string): { digestId: string; contentId: string } | null {
    const ids = this.verify('click', token, 2);
    return ids ? { digestId: ids[0], contentId: ids[1] } : null;
  }

  readSessionClick(token: string): { sessionId: string; memberId: string; contentId: string } | null {
    const ids = this.verify('sessionClick', token, 3);
    return ids ? { sessionId: ids[0], memberId: ids[1], contentId: ids[2] } : null;
  }

  readUnsubscribe(token: string): { memberId: string } | null {
    const ids = this.verify('unsubscribe', token, 1);
    return ids ? { memberId: ids[0] } : null;
  }

  private mac(purpose: keyof EmailLinks['keys'], payload: Buffer): Buffer {
    return createHmac('sha256', this.keys[purpose]).update(payload).digest().subarray(0, MAC_BYTES);
  }

  private sign(purpose: keyof EmailLinks['keys'], ids: string[]): string {
    if (!ids.every((id) => UUID.test(id))) throw new Error('email link ids must be uuids');
    const payload = Buffer.concat(ids.map(uuidBytes));
    return Buffer.concat([payload, this.mac(purpose, payload)]).toString('base64url');
  }

  private verify(purpose: keyof EmailLinks['keys'], token: string, idCount: number): string[] | null {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
    const bytes = Buffer.from(token, 'base64url');
    if (bytes.length !== idCount * 16 + MAC_BYTES) return null;
    const payload = bytes.subarray(0, idCount * 16);
    if (!timingSafeEqual(bytes.subarray(idCount * 16), this.mac(purpose, payload))) return null;
    return Array.from({ length: idCount }, (_, index) => bytesUuid(payload.subarray(index * 16, index * 16 + 16)));
  }
}
