import { randomUUID } from 'node:crypto';
import { ContentStatus } from '../../schema/content/content.entity';
import { MeetingStatus } from '../../schema/live/networking/meeting.entity';
import { FACTORY_PASSWORD } from '../factories';
import {
  commentBy,
  contentBy,
  conversationBetween,
  engagementRule,
  freshMember,
  freshContent,
  freshTheme,
  openCase,
  suspendedMember,
  liveSession,
  meetingBetween,
  minutesFromNow,
  openSession,
  refreshToken,
  type Cell,
} from './world';

/** One call of a field: the document (selecting little) and its variables. */
export interface Operation {
  query: string;
  variables?: Record<string, unknown>;
}

type Build = (cell: Cell) => Operation | Promise<Operation>;

/** How to call each field as a cell's actor: its default target, and the ownership cases the matrix names. */
export interface Call {
  call: Build;
  cases?: Record<string, Build>;
}

const op = (query: string, variables?: Record<string, unknown>): Operation => ({ query, variables });
const window = { from: '2025-12-01T00:00:00Z', to: '2026-01-05T00:00:00Z' };
const same = (query: string, variables?: (cell: Cell) => Record<string, unknown>): Call => ({
  call: (cell) => op(query, variables?.(cell)),
});

export const QUERIES: Record<string, Call> = {
  'Query.atRiskMembers': same('{ atRiskMembers { edges { cursor } } }'),
  'Query.comments': same('query($id: ID!) { comments(contentId: $id) { edges { cursor } } }', (c) => ({ id: c.world.published.id })),
  'Query.companyEngagement': same(
    'query($from: DateTime!, $to: DateTime!) { companyEngagement(from: $from, to: $to) { edges { cursor } } }',
    () => window,
  ),
  'Query.content': {
    call: (c) => op('query($id: ID!) { content(id: $id) { id } }', { id: c.world.published.id }),
    cases: { 'someone else’s draft': (c) => op('query($id: ID!) { content(id: $id) { id } }', { id: c.world.othersDraft.id }) },
  },
  'Query.contentReach': same(
    'query($from: DateTime!, $to: DateTime!) { contentReach(from: $from, to: $to) { edges { cursor } } }',
    () => window,
  ),
  'Query.conversation': {
    call: async (c) => op('query($id: ID!) { conversation(id: $id) { id } }', { id: await conversationBetween(c, c.self, c.world.other) }),
    cases: {
      'a conversation of two others': async (c) =>
        op('query($id: ID!) { conversation(id: $id) { id } }', { id: await conversationBetween(c, c.world.other, c.world.otherSpeaker) }),
    },
  },
  'Query.conversations': same('{ conversations { edges { cursor } } }'),
  'Query.engagementRuleStatsTrend': {
    call: async (c) =>
      op('query($id: ID!, $from: DateTime!, $to: DateTime!) { engagementRuleStatsTrend(ruleId: $id, from: $from, to: $to) { from } }', {
        id: await engagementRule(c),
        ...window,
      }),
  },
  'Query.engagementRuleStats': {
    call: async (c) =>
      op('query($id: ID!, $from: DateTime!, $to: DateTime!) { engagementRuleStats(ruleId: $id, from: $from, to: $to) { sent } }', {
        id: await engagementRule(c),
        ...window,
      }),
  },
  'Query.engagementRules': same('{ engagementRules { id } }'),
  'Query.feed': same('{ feed { edges { cursor } } }'),
  'Query.liveSession': same('query($id: ID!) { liveSession(id: $id) { id } }', (c) => ({ id: c.world.session.id })),
  'Query.liveSessionStats': {
    call: (c) => op('query($id: ID!) { liveSessionStats(sessionId: $id) { registrants } }', { id: c.world.session.id }),
    cases: {
      'another partner’s session': (c) =>
        op('query($id: ID!) { liveSessionStats(sessionId: $id) { registrants } }', { id: c.world.othersSession.id }),
    },
  },
  'Query.liveSessions': same('{ liveSessions { edges { cursor } } }'),
  'Query.liveSessionsSummary': same(
    'query($from: DateTime!, $to: DateTime!) { liveSessionsSummary(from: $from, to: $to) { sessions } }',
    () => window,
  ),
  'Query.me': same('{ me { id } }'),
  'Query.meeting': {
    call: async (c) =>
      op('query($id: ID!) { meeting(id: $id) { id } }', { id: (await meetingBetween(c, await freshMember(c), c.self)).id }),
    cases: {
      'a meeting of two others': async (c) =>
        op('query($id: ID!) { meeting(id: $id) { id } }', { id: (await meetingBetween(c, await freshMember(c), c.world.other)).id }),
    },
  },
  'Query.member': same('query($id: ID!) { member(id: $id) { id displayName } }', (c) => ({ id: c.world.other.id })),
  'Query.memberActivity': {
    call: (c) =>
      op('query($id: ID!, $from: DateTime!, $to: DateTime!) { memberActivity(memberId: $id, from: $from, to: $to) { day } }', {
        id: c.self.id,
        ...window,
      }),
    cases: {
      'another member': (c) =>
        op('query($id: ID!, $from: DateTime!, $to: DateTime!) { memberActivity(memberId: $id, from: $from, to: $to) { day } }', {
          id: c.world.other.id,
          ...window,
        }),
    },
  },
  'Query.memberEngagement': {
    call: (c) =>
      op('query($id: ID!, $from: DateTime!, $to: DateTime!) { memberEngagement(memberId: $id, from: $from, to: $to) { visits } }', {
        id: c.self.id,
        ...window,
      }),
    cases: {
      'another member': (c) =>
        op('query($id: ID!, $from: DateTime!, $to: DateTime!) { memberEngagement(memberId: $id, from: $from, to: $to) { visits } }', {
          id: c.world.other.id,
          ...window,
        }),
    },
  },
  'Query.memberVisits': {
    call: (c) =>
      op('query($id: ID!, $from: DateTime!, $to: DateTime!) { memberVisits(memberId: $id, from: $from, to: $to) { id } }', {
        id: c.world.other.id,
        ...window,
      }),
  },
  'Query.members': same('{ members { edges { cursor } } }'),
  'Query.moderationLog': same('{ moderationLog { edges { cursor } } }'),
  'Query.moderationQueue': same('{ moderationQueue { edges { cursor } } }'),
  'Query.myMeetings': same('{ myMeetings { edges { cursor } } }'),
  'Query.notifications': same('{ notifications { edges { cursor } } }'),
  'Query.partnerLeads': {
    call: () => op('{ partnerLeads { edges { cursor } } }'),
    cases: {
      'another partner’s leads': (c) =>
        op('query($id: ID) { partnerLeads(partnerId: $id) { edges { cursor } } }', { id: c.world.otherPartner.id }),
    },
  },
  'Query.previewEngagementRule': same(
    '{ previewEngagementRule(input: { name: "Preview", trigger: INACTIVITY }, sampleSize: 1) { eligibleMembers } }',
  ),
  'Query.revisitFrequency': same(
    'query($from: DateTime!, $to: DateTime!) { revisitFrequency(from: $from, to: $to) { membersMeasured } }',
    () => window,
  ),
  'Query.revisitFrequencyTrend': same(
    'query($from: DateTime!, $to: DateTime!) { revisitFrequencyTrend(from: $from, to: $to, bucket: WEEK) { at } }',
    () => window,
  ),
  'Query.search': same('{ search(query: "pipeline webin") { edges { cursor node { kind snippet } } } }'),
  'Query.sessionChatMessages': {
    call: async (c) =>
      op('query($id: ID!) { sessionChatMessages(sessionId: $id) { edges { cursor } } }', { id: (await openSession(c)).id }),
    cases: {
      'a session they take no part in': async (c) =>
        op('query($id: ID!) { sessionChatMessages(sessionId: $id) { edges { cursor } } }', { id: (await openSession(c, [])).id }),
    },
  },
  'Query.suggestedPeers': same('{ suggestedPeers { score } }'),
  'Query.themes': same('{ themes { slug } }'),
  'Query.unreadNotificationCount': same('{ unreadNotificationCount }'),
};

const CONTENT = `mutation($id: ID!) { %s(id: $id) { id } }`;
const onContent = (field: string, status: ContentStatus): Call => ({
  call: async (c) => op(CONTENT.replace('%s', field), { id: (await contentBy(c, c.self, status)).id }),
  cases: {
    'someone else’s item': async (c) => op(CONTENT.replace('%s', field), { id: (await contentBy(c, c.world.otherSpeaker, status)).id }),
  },
});
const UPDATE_CONTENT = `mutation($input: UpdateContentInput!) { updateContent(input: $input) { id } }`;
const EDIT_COMMENT = `mutation($input: EditCommentInput!) { editComment(input: $input) { id } }`;
const DELETE_COMMENT = `mutation($id: ID!) { deleteComment(id: $id) { id } }`;
const RESPOND = `mutation($id: ID!) { respondToMeetingRequest(id: $id, accept: true) { status } }`;
const JOIN_MEETING = `mutation($id: ID!) { joinMeeting(id: $id) { roomName } }`;
const MARK_READ = `mutation($id: ID!) { markConversationRead(id: $id) { id } }`;
const JOIN_SESSION = `mutation($id: ID!) { joinLiveSession(sessionId: $id) { roomName } }`;
const CHAT = `mutation($id: ID!) { sendSessionChatMessage(sessionId: $id, body: "Hello") { id } }`;

export const MUTATIONS: Record<string, Call> = {
  'Mutation.addComment': same('mutation($id: ID!) { addComment(input: { contentId: $id, body: "Nice" }) { id } }', (c) => ({
    id: c.world.published.id,
  })),
  'Mutation.archiveContent': onContent('archiveContent', ContentStatus.PUBLISHED),
  'Mutation.blockMember': {
    call: async (c) => op('mutation($id: ID!) { blockMember(memberId: $id) { id } }', { id: (await freshMember(c)).id }),
  },
  'Mutation.cancelLiveSession': {
    call: async (c) => op('mutation($id: ID!) { cancelLiveSession(id: $id) { status } }', { id: (await openSession(c, [])).id }),
  },
  'Mutation.cancelRegistration': {
    call: async (c) => op('mutation($id: ID!) { cancelRegistration(sessionId: $id) { id } }', { id: (await openSession(c)).id }),
  },
  'Mutation.createContent': same('mutation { createContent(input: { type: ARTICLE, title: "A draft" }) { id } }'),
  'Mutation.createEngagementRule': same('mutation { createEngagementRule(input: { name: "Rule", trigger: INACTIVITY }) { id } }'),
  'Mutation.createTheme': {
    call: () =>
      op('mutation($slug: String!) { createTheme(input: { slug: $slug, name: "A theme" }) { id } }', {
        slug: `t-${randomUUID().slice(0, 8)}`,
      }),
  },
  'Mutation.deleteComment': {
    call: async (c) => op(DELETE_COMMENT, { id: (await commentBy(c, c.self)).id }),
    cases: { 'another member’s comment': async (c) => op(DELETE_COMMENT, { id: (await commentBy(c, c.world.other)).id }) },
  },
  'Mutation.deleteEngagementRule': {
    call: async (c) => op('mutation($id: ID!) { deleteEngagementRule(id: $id) }', { id: await engagementRule(c) }),
  },
  'Mutation.editComment': {
    call: async (c) => op(EDIT_COMMENT, { input: { id: (await commentBy(c, c.self)).id, body: 'Edited' } }),
    cases: {
      'another member’s comment': async (c) => op(EDIT_COMMENT, { input: { id: (await commentBy(c, c.world.other)).id, body: 'Edited' } }),
    },
  },
  'Mutation.joinLiveSession': {
    call: async (c) => op(JOIN_SESSION, { id: (await openSession(c)).id }),
    cases: { 'a session they did not register to': async (c) => op(JOIN_SESSION, { id: (await openSession(c, [])).id }) },
  },
  'Mutation.joinMeeting': {
    call: async (c) => op(JOIN_MEETING, { id: (await meetingBetween(c, await freshMember(c), c.self, MeetingStatus.ACCEPTED)).id }),
    cases: {
      'a meeting of two others': async (c) =>
        op(JOIN_MEETING, { id: (await meetingBetween(c, await freshMember(c), c.world.other, MeetingStatus.ACCEPTED)).id }),
    },
  },
  'Mutation.logIn': {
    call: async (c) =>
      op('mutation($input: LogInInput!) { logIn(input: $input) { accessToken } }', {
        input: { email: (await freshMember(c)).email, password: FACTORY_PASSWORD },
      }),
  },
  'Mutation.logOut': { call: async (c) => op('mutation($t: String!) { logOut(refreshToken: $t) }', { t: await refreshToken(c) }) },
  'Mutation.markConversationRead': {
    call: async (c) => op(MARK_READ, { id: await conversationBetween(c, c.self, c.world.other) }),
    cases: {
      'a conversation of two others': async (c) => op(MARK_READ, { id: await conversationBetween(c, c.world.other, c.world.otherSpeaker) }),
    },
  },
  'Mutation.markNotificationsRead': same('mutation { markNotificationsRead(all: true) { unreadCount } }'),
  'Mutation.publishContent': onContent('publishContent', ContentStatus.DRAFT),
  'Mutation.recordContentView': same(
    'mutation($id: ID!) { recordContentView(input: { contentId: $id, seconds: 0 }) { newView } }',
    (c) => ({ id: c.world.published.id }),
  ),
  'Mutation.recordContentViews': same(
    'mutation($id: ID!) { recordContentViews(input: { views: [{ contentId: $id, seconds: 0 }] }) { newView } }',
    (c) => ({ id: c.world.published.id }),
  ),
  'Mutation.refreshSession': {
    call: async (c) => op('mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }', { t: await refreshToken(c) }),
  },
  'Mutation.report': {
    call: async (c) =>
      op('mutation($input: ReportInput!) { report(input: $input) { id } }', {
        input: { subjectId: (await freshContent(c)).id, kind: 'CONTENT', reason: 'SPAM' },
      }),
  },
  'Mutation.resolveReport': {
    call: async (c) => op('mutation($id: ID!) { resolveReport(caseId: $id, action: DISMISS) { id } }', { id: await openCase(c) }),
  },
  'Mutation.suspendMember': {
    call: async (c) =>
      op('mutation($id: ID!, $until: DateTime!) { suspendMember(memberId: $id, until: $until, reason: "Spam") { id } }', {
        id: (await freshMember(c)).id,
        until: minutesFromNow(c, 60).toISOString(),
      }),
  },
  'Mutation.unsuspendMember': {
    call: async (c) => op('mutation($id: ID!) { unsuspendMember(memberId: $id) { id } }', { id: (await suspendedMember(c)).id }),
  },
  'Mutation.registerForSession': same(
    'mutation($id: ID!) { registerForSession(sessionId: $id, shareContactWithPartner: false) { id } }',
    (c) => ({ id: c.world.session.id }),
  ),
  'Mutation.requestMeeting': {
    call: async (c) =>
      op('mutation($input: RequestMeetingInput!) { requestMeeting(input: $input) { id } }', {
        input: { memberId: (await freshMember(c)).id, proposedStart: minutesFromNow(c, 60).toISOString() },
      }),
  },
  'Mutation.respondToMeetingRequest': {
    call: async (c) => op(RESPOND, { id: (await meetingBetween(c, await freshMember(c), c.self)).id }),
    cases: { 'a request they made': async (c) => op(RESPOND, { id: (await meetingBetween(c, c.self, await freshMember(c))).id }) },
  },
  'Mutation.scheduleLiveSession': {
    call: (c) =>
      op('mutation($input: ScheduleLiveSessionInput!) { scheduleLiveSession(input: $input) { id } }', {
        input: { title: 'Webinar', startsAt: minutesFromNow(c, 60 * 24).toISOString(), endsAt: minutesFromNow(c, 60 * 25).toISOString() },
      }),
  },
  'Mutation.sendMessage': same('mutation($id: ID!) { sendMessage(input: { recipientId: $id, body: "Hi" }) { id } }', (c) => ({
    id: c.world.other.id,
  })),
  'Mutation.sendSessionChatMessage': {
    call: async (c) => op(CHAT, { id: (await openSession(c)).id }),
    cases: { 'a session they take no part in': async (c) => op(CHAT, { id: (await openSession(c, [])).id }) },
  },
  'Mutation.setEngagementRuleEnabled': {
    call: async (c) =>
      op('mutation($id: ID!) { setEngagementRuleEnabled(id: $id, enabled: false) { id } }', { id: await engagementRule(c) }),
  },
  'Mutation.setInterests': same('mutation($slugs: [String!]!) { setInterests(themeSlugs: $slugs) { slug } }', (c) => ({
    slugs: [c.world.theme.slug],
  })),
  'Mutation.setMemberRole': {
    call: async (c) => op('mutation($id: ID!) { setMemberRole(memberId: $id, role: SPEAKER) { role } }', { id: (await freshMember(c)).id }),
  },
  'Mutation.setMembership': {
    call: async (c) =>
      op('mutation($id: ID!) { setMembership(memberId: $id, membership: PAID, renewalDate: "2026-12-31") { membership } }', {
        id: (await freshMember(c)).id,
      }),
  },
  'Mutation.signUp': {
    call: () =>
      op('mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }', {
        input: { email: `new-${randomUUID().slice(0, 8)}@example.test`, password: 'a long password', displayName: 'New' },
      }),
  },
  'Mutation.startSessionRecording': {
    call: async (c) => op('mutation($id: ID!) { startSessionRecording(sessionId: $id) { id } }', { id: (await liveSession(c)).id }),
  },
  'Mutation.unblockMember': {
    call: async (c) => op('mutation($id: ID!) { unblockMember(memberId: $id) { id } }', { id: (await freshMember(c)).id }),
  },
  'Mutation.updateContent': {
    call: async (c) => op(UPDATE_CONTENT, { input: { id: (await contentBy(c, c.self)).id, title: 'Renamed' } }),
    cases: {
      'someone else’s item': async (c) =>
        op(UPDATE_CONTENT, { input: { id: (await contentBy(c, c.world.otherSpeaker)).id, title: 'Renamed' } }),
    },
  },
  'Mutation.updateEmailPreferences': same('mutation { updateEmailPreferences(input: { digests: true }) { digests } }'),
  'Mutation.updateEngagementRule': {
    call: async (c) =>
      op('mutation($id: ID!) { updateEngagementRule(input: { id: $id, name: "Renamed", trigger: INACTIVITY }) { id } }', {
        id: await engagementRule(c),
      }),
  },
  'Mutation.updateLiveSession': {
    call: async (c) =>
      op('mutation($id: ID!) { updateLiveSession(input: { id: $id, title: "Renamed" }) { id } }', { id: (await openSession(c, [])).id }),
  },
  'Mutation.updateProfile': same('mutation { updateProfile(input: { jobTitle: "Buyer" }) { id } }'),
  'Mutation.updateTheme': {
    call: async (c) =>
      op('mutation($id: ID!) { updateTheme(input: { id: $id, name: "Renamed" }) { id } }', { id: (await freshTheme(c)).id }),
  },
};

const FOLLOW_CHAT = `subscription($id: ID!) { sessionChatMessageAdded(sessionId: $id) { id } }`;

export const SUBSCRIPTIONS: Record<string, Call> = {
  'Subscription.commentAdded': same('subscription($id: ID!) { commentAdded(contentId: $id) { id } }', (c) => ({
    id: c.world.published.id,
  })),
  'Subscription.contentPublished': same('subscription { contentPublished { id } }'),
  'Subscription.liveSessionUpdated': same('subscription($id: ID!) { liveSessionUpdated(sessionId: $id) { id } }', (c) => ({
    id: c.world.session.id,
  })),
  'Subscription.messageAdded': same('subscription { messageAdded { id } }'),
  'Subscription.notificationAdded': same('subscription { notificationAdded { id } }'),
  'Subscription.sessionChatMessageAdded': {
    call: async (c) => op(FOLLOW_CHAT, { id: (await openSession(c)).id }),
    cases: { 'a session they take no part in': async (c) => op(FOLLOW_CHAT, { id: (await openSession(c, [])).id }) },
  },
  'Subscription.unreadNotificationCountChanged': same('subscription { unreadNotificationCountChanged }'),
};

export const CALLS: Record<string, Call> = { ...QUERIES, ...MUTATIONS, ...SUBSCRIPTIONS };
