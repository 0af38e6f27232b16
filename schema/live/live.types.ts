import { Field, ObjectType } from 'type-graphql';

/** Everything a front end needs to connect to a LiveKit room. */
@ObjectType({
  simpleResolvers: true,
  description: 'What a client needs to connect to a LiveKit room: pass `token` to the LiveKit client SDK with `serverUrl`.',
})
export class LiveJoin {
  @Field({ description: 'The LiveKit server URL (ws:// or wss://).' })
  serverUrl!: string;

  @Field({ description: 'A LiveKit access token for this room only, for the viewer.' })
  token!: string;

  @Field()
  roomName!: string;

  @Field({ description: 'Whether the token allows publishing audio and video (speakers, admins, meeting members).' })
  canPublish!: boolean;

  @Field({ description: 'After this the token no longer admits to the room; ask for a new one.' })
  expiresAt!: Date;
}
