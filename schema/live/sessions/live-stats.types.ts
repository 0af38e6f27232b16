import { Field, Float, Int, ObjectType } from 'type-graphql';

/** What a session did (PRODUCT.md's session KPIs). Audience figures count registrants: hosts who join unregistered are not audience. */
@ObjectType({
  simpleResolvers: true,
  description: 'One live session’s KPIs, computed from registrations, LiveKit attendance, replay views and meetings.',
})
export class LiveSessionStats {
  @Field(() => Int, { description: 'Active registrations (not cancelled).' })
  registrants!: number;

  @Field(() => Int, { description: 'Registrants who connected to the room at least once.' })
  attendees!: number;

  @Field(() => Float, { description: 'attendees / registrants, 0..1 (0 when nobody registered).' })
  attendanceRate!: number;

  @Field(() => Float, {
    description:
      'Mean over attendees of the minutes each spent in the room: the union of their connections (two tabs count once, reconnect gaps not at all); 0 without attendees.',
  })
  meanMinutesAttended!: number;

  @Field(() => Int, {
    description:
      'The most attendees (registrants) in the room at the same instant, each counted once whatever their number of connections.',
  })
  peakConcurrent!: number;

  @Field(() => Int, {
    description:
      'Views of the session’s replay: content views recorded (one per member and visit), not unique viewers; 0 without a replay.',
  })
  replayViews!: number;

  @Field(() => Int, { description: 'Business meetings asked for at this session, whatever their answer.' })
  meetingsRequested!: number;

  @Field(() => Int, { description: 'Business meetings asked for at this session and accepted.' })
  meetingsAccepted!: number;

  @Field(() => Int, {
    description:
      'Consenting registrants who became leads of the session’s partner through it (attended 5 minutes or more, viewed its replay, or an accepted meeting with the partner at it); 0 without a partner.',
  })
  leads!: number;
}

@ObjectType({
  simpleResolvers: true,
  description: 'Session KPIs over the sessions starting in a window and not cancelled: sums, and ratios of the sums.',
})
export class LiveSessionsSummary {
  @Field(() => Int, { description: 'Sessions starting in the window, cancelled ones excluded.' })
  sessions!: number;

  @Field(() => Int, { description: 'Active registrations, summed over the sessions.' })
  registrants!: number;

  @Field(() => Int, { description: 'Attendees, summed over the sessions (a member attending two sessions counts twice).' })
  attendees!: number;

  @Field(() => Float, { description: 'attendees / registrants over all the sessions (0 when nobody registered).' })
  attendanceRate!: number;

  @Field(() => Float, { description: 'Mean minutes attended per attendee and session (0 without attendees).' })
  meanMinutesAttended!: number;

  @Field(() => Int, { description: 'Views of the sessions’ replays (content views, not unique viewers).' })
  replayViews!: number;

  @Field(() => Int)
  meetingsRequested!: number;

  @Field(() => Int)
  meetingsAccepted!: number;

  @Field(() => Int, { description: 'Distinct partner–member leads made through these sessions (a member counts once per partner).' })
  leads!: number;
}
