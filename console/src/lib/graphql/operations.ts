import { graphql, type ResultOf, type VariablesOf } from './graphql.js';

/** Every GraphQL operation of the console, typed from schema.graphql. */

export const ClientFields = graphql(`
  fragment ClientFields on Client {
    id
    name
    createdAt
    updatedAt
  }
`);

export const UserFields = graphql(
  `
    fragment UserFields on User {
      id
      name
      email
      roles
      clients {
        ...ClientFields
      }
      notificationPreferences {
        email
        ui
      }
      createdAt
      updatedAt
      lastLoginAt
      status
      twoFactorEnabled
    }
  `,
  [ClientFields],
);

export const MeQuery = graphql(
  `
    query Me {
      me {
        ...UserFields
      }
    }
  `,
  [UserFields],
);

export const LoginMutation = graphql(
  `
    mutation Login($email: String!, $password: String!) {
      login(email: $email, password: $password) {
        expiresAt
        user {
          ...UserFields
        }
      }
    }
  `,
  [UserFields],
);

/** The emailed invitation's link, followed: a password chosen, and signed in (the server sets the session cookie). */
export const AcceptInvitationMutation = graphql(
  `
    mutation AcceptInvitation($token: String!, $password: String!) {
      acceptInvitation(token: $token, password: $password) {
        expiresAt
        user {
          ...UserFields
        }
      }
    }
  `,
  [UserFields],
);

/** Always true, whoever the email belongs to: the answer says nothing about the account. */
export const RequestPasswordResetMutation = graphql(`
  mutation RequestPasswordReset($email: String!) {
    requestPasswordReset(email: $email)
  }
`);

export const ResetPasswordMutation = graphql(`
  mutation ResetPassword($token: String!, $password: String!) {
    resetPassword(token: $token, password: $password)
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

/** Where someone is signed in: one sign-in each, open until it expires or is ended. */
export const SessionFields = graphql(`
  fragment SessionFields on Session {
    id
    createdAt
    lastSeenAt
    expiresAt
    userAgent
    address
    current
  }
`);

export const MySessionsQuery = graphql(
  `
    query MySessions {
      mySessions {
        ...SessionFields
      }
    }
  `,
  [SessionFields],
);

export const UserSessionsQuery = graphql(
  `
    query UserSessions($userId: ID!) {
      userSessions(userId: $userId) {
        ...SessionFields
      }
    }
  `,
  [SessionFields],
);

export const RevokeSessionMutation = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id)
  }
`);

export const RevokeUserSessionsMutation = graphql(`
  mutation RevokeUserSessions($userId: ID!) {
    revokeUserSessions(userId: $userId)
  }
`);

/** A sign-in's second step: login's challenge and a code; the answer signs in as login's does. */
export const VerifyTwoFactorMutation = graphql(
  `
    mutation VerifyTwoFactor($challenge: String!, $code: String!) {
      verifyTwoFactor(challenge: $challenge, code: $code) {
        expiresAt
        user {
          ...UserFields
        }
      }
    }
  `,
  [UserFields],
);

/** A new secret for an authenticator app; nothing changes until a code confirms it. */
export const StartTotpEnrollmentMutation = graphql(`
  mutation StartTotpEnrollment {
    startTotpEnrollment {
      secret
      otpauthUrl
    }
  }
`);

/** Turns two-factor on; the answer is the ten recovery codes, shown this once. */
export const ConfirmTotpEnrollmentMutation = graphql(`
  mutation ConfirmTotpEnrollment($code: String!) {
    confirmTotpEnrollment(code: $code)
  }
`);

export const DisableTwoFactorMutation = graphql(`
  mutation DisableTwoFactor($password: String!) {
    disableTwoFactor(password: $password)
  }
`);

export const ResetTwoFactorMutation = graphql(
  `
    mutation ResetTwoFactor($userId: ID!) {
      resetTwoFactor(userId: $userId) {
        ...UserFields
        lockedUntil
      }
    }
  `,
  [UserFields],
);

/** A script's credential; its secret is only ever in NewApiToken, once. */
export const ApiTokenFields = graphql(`
  fragment ApiTokenFields on ApiToken {
    id
    name
    createdAt
    expiresAt
    lastUsedAt
  }
`);

export const MyApiTokensQuery = graphql(
  `
    query MyApiTokens {
      myApiTokens {
        ...ApiTokenFields
      }
    }
  `,
  [ApiTokenFields],
);

export const ApiTokensQuery = graphql(
  `
    query ApiTokens($userId: ID!) {
      apiTokens(userId: $userId) {
        ...ApiTokenFields
      }
    }
  `,
  [ApiTokenFields],
);

export const CreateApiTokenMutation = graphql(
  `
    mutation CreateApiToken($input: CreateApiTokenInput!) {
      createApiToken(input: $input) {
        token
        apiToken {
          ...ApiTokenFields
        }
      }
    }
  `,
  [ApiTokenFields],
);

export const RevokeApiTokenMutation = graphql(`
  mutation RevokeApiToken($id: ID!) {
    revokeApiToken(id: $id)
  }
`);

export const UsersQuery = graphql(
  `
    query Users($skip: Int, $limit: Int, $search: String, $orderBy: UserOrderBy, $direction: SortDirection, $clientId: ID, $status: UserStatus) {
      users(skip: $skip, limit: $limit, search: $search, orderBy: $orderBy, direction: $direction, clientId: $clientId, status: $status) {
        total
        skip
        limit
        items {
          ...UserFields
          lockedUntil
        }
      }
    }
  `,
  [UserFields],
);

/** The CSV of the users that `users` lists with the same filters (name,email,roles,clients,status), for Export CSV. */
export const ExportUsersQuery = graphql(`
  query ExportUsers($search: String, $status: UserStatus, $clientId: ID) {
    exportUsers(search: $search, status: $status, clientId: $clientId)
  }
`);

/** A users file, all or nothing; with dryRun the same report, and nothing changed. A file refused whole is BAD_USER_INPUT with fields.csv. */
export const ImportUsersMutation = graphql(`
  mutation ImportUsers($csv: String!, $dryRun: Boolean) {
    importUsers(csv: $csv, dryRun: $dryRun) {
      applied
      created
      updated
      unchanged
      errors
      rows {
        line
        email
        action
        changes
        error
      }
    }
  }
`);

/** A user's page, with their sign-in lockout (the server reads a whole page's lockouts at once, so the list asks too). */
export const UserQuery = graphql(
  `
    query User($id: ID!) {
      user(id: $id) {
        ...UserFields
        lockedUntil
      }
    }
  `,
  [UserFields],
);

export const UnlockUserMutation = graphql(
  `
    mutation UnlockUser($id: ID!) {
      unlockUser(id: $id) {
        ...UserFields
        lockedUntil
      }
    }
  `,
  [UserFields],
);

export const CreateUserMutation = graphql(
  `
    mutation CreateUser($input: CreateUserInput!) {
      createUser(input: $input) {
        ...UserFields
      }
    }
  `,
  [UserFields],
);

export const UpdateUserMutation = graphql(
  `
    mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
      updateUser(id: $id, input: $input) {
        ...UserFields
      }
    }
  `,
  [UserFields],
);

/** An INVITED user, emailed a link to choose their own password. */
export const InviteUserMutation = graphql(
  `
    mutation InviteUser($input: InviteUserInput!) {
      inviteUser(input: $input) {
        ...UserFields
      }
    }
  `,
  [UserFields],
);

/** A new invitation link for an INVITED user; the links sent before stop working. */
export const ResendInvitationMutation = graphql(`
  mutation ResendInvitation($userId: ID!) {
    resendInvitation(userId: $userId)
  }
`);

export const SuspendUserMutation = graphql(
  `
    mutation SuspendUser($id: ID!) {
      suspendUser(id: $id) {
        ...UserFields
      }
    }
  `,
  [UserFields],
);

export const ReactivateUserMutation = graphql(
  `
    mutation ReactivateUser($id: ID!) {
      reactivateUser(id: $id) {
        ...UserFields
      }
    }
  `,
  [UserFields],
);

export const DeleteUserMutation = graphql(`
  mutation DeleteUser($id: ID!) {
    deleteUser(id: $id)
  }
`);

export const UpdateMeMutation = graphql(
  `
    mutation UpdateMe($input: UpdateMeInput!) {
      updateMe(input: $input) {
        ...UserFields
      }
    }
  `,
  [UserFields],
);

export const ClientsQuery = graphql(
  `
    query Clients {
      clients {
        ...ClientFields
      }
    }
  `,
  [ClientFields],
);

export const ClientQuery = graphql(
  `
    query Client($id: ID!) {
      client(id: $id) {
        ...ClientFields
      }
    }
  `,
  [ClientFields],
);

export const CreateClientMutation = graphql(
  `
    mutation CreateClient($input: ClientInput!) {
      createClient(input: $input) {
        ...ClientFields
      }
    }
  `,
  [ClientFields],
);

export const UpdateClientMutation = graphql(
  `
    mutation UpdateClient($id: ID!, $input: ClientInput!) {
      updateClient(id: $id, input: $input) {
        ...ClientFields
      }
    }
  `,
  [ClientFields],
);

export const DeleteClientMutation = graphql(`
  mutation DeleteClient($id: ID!) {
    deleteClient(id: $id)
  }
`);

export const TicketFields = graphql(
  `
    fragment TicketFields on Ticket {
      id
      title
      description
      status
      client {
        ...ClientFields
      }
      createdBy {
        id
        name
      }
      createdAt
      updatedAt
    }
  `,
  [ClientFields],
);

export const TicketsQuery = graphql(
  `
    query Tickets($clientId: ID, $status: TicketStatus, $skip: Int, $limit: Int) {
      tickets(clientId: $clientId, status: $status, skip: $skip, limit: $limit) {
        total
        skip
        limit
        items {
          ...TicketFields
        }
      }
    }
  `,
  [TicketFields],
);

export const TicketQuery = graphql(
  `
    query Ticket($id: ID!) {
      ticket(id: $id) {
        ...TicketFields
      }
    }
  `,
  [TicketFields],
);

export const CreateTicketMutation = graphql(
  `
    mutation CreateTicket($input: CreateTicketInput!) {
      createTicket(input: $input) {
        ...TicketFields
      }
    }
  `,
  [TicketFields],
);

export const UpdateTicketMutation = graphql(
  `
    mutation UpdateTicket($id: ID!, $input: UpdateTicketInput!) {
      updateTicket(id: $id, input: $input) {
        ...TicketFields
      }
    }
  `,
  [TicketFields],
);

export const DeleteTicketMutation = graphql(`
  mutation DeleteTicket($id: ID!) {
    deleteTicket(id: $id)
  }
`);

/** The bell's count: one small page, for `unread` over all pages. */
export const UnreadCountQuery = graphql(`
  query UnreadCount {
    notifications(unreadOnly: true, limit: 1) {
      unread
    }
  }
`);

export const NotificationsQuery = graphql(`
  query Notifications($unreadOnly: Boolean, $skip: Int, $limit: Int) {
    notifications(unreadOnly: $unreadOnly, skip: $skip, limit: $limit) {
      total
      unread
      skip
      limit
      items {
        id
        message
        createdAt
        readAt
        ticket {
          id
          title
        }
      }
    }
  }
`);

export const MarkNotificationsReadMutation = graphql(`
  mutation MarkNotificationsRead($ids: [ID!]!) {
    markNotificationsRead(ids: $ids)
  }
`);

export const AuditEventFields = graphql(`
  fragment AuditEventFields on AuditEvent {
    id
    at
    actorId
    actorLabel
    channel
    action
    targetType
    targetId
    targetLabel
    changes
    sourceAddress
  }
`);

export const AuditLogQuery = graphql(
  `
    query AuditLog($actorId: ID, $targetType: String, $targetId: ID, $action: String, $from: DateTime, $to: DateTime, $skip: Int, $limit: Int) {
      auditLog(actorId: $actorId, targetType: $targetType, targetId: $targetId, action: $action, from: $from, to: $to, skip: $skip, limit: $limit) {
        total
        skip
        limit
        items {
          ...AuditEventFields
        }
      }
    }
  `,
  [AuditEventFields],
);

/**
 * Which users, clients and tickets were deleted since a time (the oldest entry on a page of the
 * log): their entries show no link to a page that is gone. Ids are never reused.
 */
export const AuditDeletionsQuery = graphql(`
  query AuditDeletions($since: DateTime!) {
    users: auditLog(action: "user.delete", from: $since, limit: 1000) {
      items {
        targetId
      }
    }
    clients: auditLog(action: "client.delete", from: $since, limit: 1000) {
      items {
        targetId
      }
    }
    tickets: auditLog(action: "ticket.delete", from: $since, limit: 1000) {
      items {
        targetId
      }
    }
  }
`);

/** A user's name for the audit log's filter ("Actions by Ada Admin"). */
export const UserNameQuery = graphql(`
  query UserName($id: ID!) {
    user(id: $id) {
      id
      name
      email
    }
  }
`);

/** The shapes the pages work with, unmasked. */
export type ClientData = ResultOf<typeof ClientFields>;
export type UserData = ResultOf<typeof UserFields>;
export type Role = UserData['roles'][number];
export type UserStatus = UserData['status'];
export type UserOrderBy = NonNullable<VariablesOf<typeof UsersQuery>['orderBy']>;
export type SortDirection = NonNullable<VariablesOf<typeof UsersQuery>['direction']>;
export type TicketData = ResultOf<typeof TicketFields>;
export type TicketStatus = TicketData['status'];
export type NotificationData = ResultOf<typeof NotificationsQuery>['notifications']['items'][number];
export type AuditEventData = ResultOf<typeof AuditEventFields>;
export type SessionData = ResultOf<typeof SessionFields>;
export type ApiTokenData = ResultOf<typeof ApiTokenFields>;
export type TotpEnrollmentData = ResultOf<typeof StartTotpEnrollmentMutation>['startTotpEnrollment'];
export type ImportReportData = ResultOf<typeof ImportUsersMutation>['importUsers'];
export type ImportRowData = ImportReportData['rows'][number];
