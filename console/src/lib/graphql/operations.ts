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

export const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

export const UsersQuery = graphql(
  `
    query Users($skip: Int, $limit: Int, $search: String, $orderBy: UserOrderBy, $direction: SortDirection, $clientId: ID) {
      users(skip: $skip, limit: $limit, search: $search, orderBy: $orderBy, direction: $direction, clientId: $clientId) {
        total
        skip
        limit
        items {
          ...UserFields
        }
      }
    }
  `,
  [UserFields],
);

export const UserQuery = graphql(
  `
    query User($id: ID!) {
      user(id: $id) {
        ...UserFields
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

/** The shapes the pages work with, unmasked. */
export type ClientData = ResultOf<typeof ClientFields>;
export type UserData = ResultOf<typeof UserFields>;
export type Role = UserData['roles'][number];
export type UserOrderBy = NonNullable<VariablesOf<typeof UsersQuery>['orderBy']>;
export type SortDirection = NonNullable<VariablesOf<typeof UsersQuery>['direction']>;
