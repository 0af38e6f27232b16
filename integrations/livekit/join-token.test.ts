import fc from 'fast-check';
import { AccessToken, TokenVerifier } from 'livekit-server-sdk';
import { issueJoinToken, type JoinTokenRequest, joinGrant, meetingRoomName, sessionRoomName } from './join-token';
import type { LiveKitConfig } from './livekit.config';

const config: LiveKitConfig = { url: 'ws://127.0.0.1:7880', apiKey: 'APItest', apiSecret: 'test-secret-that-is-long-enough-32b' };
const verify = (token: string) => new TokenVerifier(config.apiKey, config.apiSecret).verify(token);

describe('room names', () => {
  it('scopes rooms by kind and id', () => {
    expect(sessionRoomName('abc')).toBe('session-abc');
    expect(meetingRoomName('abc')).toBe('meeting-abc');
  });
});

describe('issueJoinToken', () => {
  it('lets an attendee watch and chat but not publish media, in one room only', async () => {
    const before = Date.now();
    const { token, expiresAt } = issueJoinToken(config, {
      roomName: sessionRoomName('s1'),
      identity: 'member-1',
      name: 'Ada Attendee',
      canPublish: false,
      ttlSeconds: 3600,
      metadata: '{"role":"attendee"}',
    });

    const claims = await verify(token);
    expect(claims.video).toEqual({
      roomJoin: true,
      room: 'session-s1',
      canSubscribe: true,
      canPublish: false,
      canPublishData: true,
      canPublishSources: [],
    });
    expect(claims.sub).toBe('member-1');
    expect(claims.name).toBe('Ada Attendee');
    expect(claims.metadata).toBe('{"role":"attendee"}');
    expect(claims.iss).toBe(config.apiKey);
    expect(expiresAt.getTime()).toBe(claims.exp! * 1000);
    expect(expiresAt.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3600_000);
    expect(expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 3600_000);
  });

  it('lets a speaker publish', async () => {
    const { token } = issueJoinToken(config, {
      roomName: meetingRoomName('m1'),
      identity: 'member-2',
      name: 'Sam Speaker',
      canPublish: true,
      ttlSeconds: 60,
    });

    const claims = await verify(token);
    expect(claims.video).toEqual({
      roomJoin: true,
      room: 'meeting-m1',
      canSubscribe: true,
      canPublish: true,
      canPublishData: true,
    });
    expect(claims.metadata).toBeUndefined();
    expect(claims.exp! - claims.nbf!).toBe(60);
  });

  /** Our token and the one the SDK's AccessToken signs for the same request and API key, each verified and decoded. */
  async function expectSdkClaims(apiKey: string, request: JoinTokenRequest) {
    const sdk = new AccessToken(apiKey, config.apiSecret, {
      identity: request.identity,
      name: request.name,
      ttl: request.ttlSeconds,
      metadata: request.metadata,
    });
    sdk.addGrant(joinGrant(request.roomName, request.canPublish));
    const [ours, theirs] = [issueJoinToken({ ...config, apiKey }, request).token, await sdk.toJwt()];
    const verifier = new TokenVerifier(apiKey, config.apiSecret);
    await Promise.all([verifier.verify(ours), verifier.verify(theirs)]);
    const decode = (token: string) =>
      token
        .split('.')
        .slice(0, 2)
        .map(
          (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown> & { exp: number; nbf: number },
        );
    const [[ourHeader, ourClaims], [theirHeader, theirClaims]] = [decode(ours), decode(theirs)];
    expect(ourHeader).toEqual(theirHeader);
    // Both were signed within a second or so: the times are compared apart from the rest.
    const untimed = ({ exp: _exp, nbf: _nbf, ...others }: Record<string, unknown>) => others;
    expect(untimed(ourClaims)).toEqual(untimed(theirClaims));
    expect(ourClaims.exp - ourClaims.nbf).toBe(theirClaims.exp - theirClaims.nbf);
    expect(Math.abs(ourClaims.nbf - theirClaims.nbf)).toBeLessThanOrEqual(1);
  }

  it('carries exactly the header and claims the SDK’s AccessToken would sign', async () => {
    await expectSdkClaims(config.apiKey, {
      roomName: 'session-s1',
      identity: 'member-3',
      name: 'Ann',
      canPublish: false,
      ttlSeconds: 600,
      metadata: '{"role":"attendee"}',
    });
  });

  // A room's claims are encoded once per room, role, metadata and API key, then reused: requests
  // in turn whose parts run into one another (API key "a" and room "bc" against "ab" and "c"),
  // with and without metadata (or an empty one), and names of any characters, each get their own.
  it('carries the SDK’s claims for any room, role, metadata, API key and member, request after request', async () => {
    // Parts that run into one another: "a" then "bc" reads as "ab" then "c".
    const short = fc.constantFrom('a', 'ab', 'abc', 'b', 'bc', 'c', '1:a', 'a1:', 'é');
    const request = fc.record({
      apiKey: short,
      roomName: short,
      identity: fc.string({ minLength: 1, maxLength: 40 }),
      name: fc.string({ unit: 'grapheme', maxLength: 30 }),
      canPublish: fc.boolean(),
      ttlSeconds: fc.integer({ min: 1, max: 86_400 }),
      metadata: fc.option(fc.oneof(fc.constant(''), short, fc.string({ unit: 'grapheme', maxLength: 20 })), { nil: undefined, freq: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 6 }), async (requests) => {
        for (const { apiKey, ...joinRequest } of [...requests, ...[...requests].reverse()]) await expectSdkClaims(apiKey, joinRequest);
      }),
      { numRuns: 100 },
    );
  });

  it('is rejected when verified with another secret', async () => {
    const { token } = issueJoinToken(config, {
      roomName: 'session-s1',
      identity: 'm',
      name: 'M',
      canPublish: false,
      ttlSeconds: 60,
    });
    await expect(new TokenVerifier(config.apiKey, 'another-secret-another-secret-xx').verify(token)).rejects.toThrow();
  });

  it('signs what LiveKit verifies whatever the secret’s length, one secret after another', async () => {
    // HMAC pads a key to SHA-256's 64-byte block, and hashes a longer one first: each side of that
    // edge, a multi-byte secret, and secrets one after another (nothing of one may carry over).
    const secrets = ['short-secret', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(65), 'é'.repeat(40), 'k'.repeat(200)];
    for (const apiSecret of [...secrets, ...secrets.reverse()]) {
      const { token } = issueJoinToken(
        { ...config, apiSecret },
        { roomName: sessionRoomName('s1'), identity: 'member-1', name: 'Ann', canPublish: false, ttlSeconds: 60 },
      );
      await expect(new TokenVerifier(config.apiKey, apiSecret).verify(token)).resolves.toMatchObject({ sub: 'member-1' });
      await expect(new TokenVerifier(config.apiKey, `${apiSecret}!`).verify(token)).rejects.toThrow();
    }
  });

  it('refuses empty credentials instead of falling back to LIVEKIT_* variables', async () => {
    const request = { roomName: 'session-s1', identity: 'm', name: 'M', canPublish: false, ttlSeconds: 60 };
    expect(() => issueJoinToken({ ...config, apiSecret: '' }, request)).toThrow('apiSecret');
    expect(() => issueJoinToken(config, { ...request, ttlSeconds: 0 })).toThrow(RangeError);
    expect(() => issueJoinToken(config, { ...request, identity: '' })).toThrow('identity');
  });
});
