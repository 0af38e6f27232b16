import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { ThemeRow } from '../../content/theme.entity';
import { MemberRow } from '../../identity/member.entity';

/**
 * How much each kind of overlap with the viewer weighs in a peer's score. A declared interest is a
 * deliberate statement, so it counts twice a theme merely read about; sharing a session is the
 * strongest single reason to meet now, so it outweighs one shared interest but not two.
 */
export const PEER_WEIGHTS = {
  /** Per theme both members declared interest in (member_interest). */
  sharedInterest: 2,
  /** Per theme both members viewed content filed under (content_view × content_theme). */
  sharedViewedTheme: 1,
  /** Once, when both hold an active (not cancelled) registration to the session asked about. */
  sameSession: 3,
} as const;

@ObjectType({ simpleResolvers: true, description: 'A member worth meeting, and why: see Query.suggestedPeers for how the score is made.' })
export class SuggestedPeer {
  @Field(() => MemberRow)
  member!: MemberRow;

  @Field(() => Int, {
    description: `${PEER_WEIGHTS.sharedInterest} per shared declared interest + ${PEER_WEIGHTS.sharedViewedTheme} per theme both viewed content on + ${PEER_WEIGHTS.sameSession} if both are registered to the session.`,
  })
  score!: number;

  @Field(() => [ThemeRow], { description: 'Themes in common (declared interests and viewed themes), by name.' })
  sharedThemes!: ThemeRow[];

  @Field({ description: 'Both the viewer and this member are registered to the session given to suggestedPeers.' })
  sameSession!: boolean;
}

export const SUGGESTED_PEERS_MAX = 50;

@ArgsType()
export class SuggestedPeersArgs {
  @Field(() => ID, { nullable: true, description: 'Ranks members registered to this session (as the viewer is) higher.' })
  @IsOptional()
  sessionId?: string | null;

  @Field(() => Int, { defaultValue: 10 })
  @Min(1)
  @Max(SUGGESTED_PEERS_MAX)
  first!: number;
}
