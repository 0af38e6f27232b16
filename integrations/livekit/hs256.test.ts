import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { Hs256Key } from './hs256';

const hmac = (secret: string, message: string) => createHmac('sha256', secret).update(message).digest('base64url');

/** Secrets on each side of SHA-256's 64-byte block, in UTF-8 bytes (a longer key is hashed first). */
const secrets = fc.oneof(
  fc.string({ minLength: 1, maxLength: 200 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.integer({ min: 60, max: 68 }).map((length) => 's'.repeat(length)),
);
/** Signing inputs are ASCII; some longer than the key's first buffer (1 KB), which must grow. */
const messages = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 300 }),
  fc.string({ unit: 'binary-ascii', minLength: 1000, maxLength: 3000 }),
);

describe('Hs256Key', () => {
  it('computes the HMAC-SHA256 createHmac computes, message after message under one key', () => {
    fc.assert(
      fc.property(secrets, fc.array(messages, { minLength: 1, maxLength: 5 }), (secret, inOrder) => {
        const key = new Hs256Key(secret);
        // Long, short, long: nothing of one message may be left in the buffer for the next.
        for (const message of [...inOrder, ...inOrder.reverse()]) expect(key.signAscii(message)).toBe(hmac(secret, message));
      }),
    );
  });

  it('signs the empty message', () => {
    expect(new Hs256Key('k').signAscii('')).toBe(hmac('k', ''));
  });
});
