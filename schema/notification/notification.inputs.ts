import { ArrayMaxSize, IsOptional } from 'class-validator';
import { ArgsType, Field, ID } from 'type-graphql';
import { PageArgs } from '../content/content.inputs';

@ArgsType()
export class NotificationsArgs extends PageArgs {
  @Field({ defaultValue: false })
  unreadOnly!: boolean;
}

@ArgsType()
export class MarkNotificationsReadArgs {
  @Field(() => [ID], { nullable: true, description: 'The notifications to mark read.' })
  @IsOptional()
  @ArrayMaxSize(500)
  ids?: string[] | null;

  @Field({ defaultValue: false, description: 'Mark every notification of the viewer read.' })
  all!: boolean;
}
