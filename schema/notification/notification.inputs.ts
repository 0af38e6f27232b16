import { ArrayMaxSize, IsOptional } from 'class-validator';
import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { NotificationRow } from './notification.entity';
import { PageArgs } from '../../server/pagination';

@ArgsType()
export class NotificationsArgs extends PageArgs {
  @Field({ defaultValue: false })
  unreadOnly!: boolean;
}

/** markNotificationsRead(all: true) returns at most this many of the notifications it marked read. */
export const MARKED_READ_RETURNED = 100;

@ArgsType()
export class MarkNotificationsReadArgs {
  @Field(() => [ID], { nullable: true, description: 'The notifications to mark read.' })
  @IsOptional()
  @ArrayMaxSize(500)
  ids?: string[] | null;

  @Field({ defaultValue: false, description: 'Mark every notification of the viewer read.' })
  all!: boolean;
}

/** What markNotificationsRead changed, for a client cache: the notifications (now read) and the count. */
@ObjectType({ simpleResolvers: true })
export class MarkNotificationsReadPayload {
  @Field(() => [NotificationRow], {
    description: `The notifications named by \`ids\`, now read; with \`all\`, the newest ${MARKED_READ_RETURNED} of those it marked read. Newest first. Only those \`notifications\` lists: never one about what moderation hides from the viewer.`,
  })
  notifications!: NotificationRow[];

  @Field(() => Int, { description: 'The viewer’s unread notifications after the call.' })
  unreadCount!: number;
}
