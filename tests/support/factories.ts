import type { Client } from '../../server/entities/client.entity.js';
import type { ServiceContext } from '../../server/services/context.js';
import type { Services } from '../../server/services/index.js';
import type { UserSummary } from '../../server/services/user-read-model.js';
import type { CreateUserData } from '../../server/services/user.service.js';
import type { TestServer } from './server.js';
import type { TestServices } from './services.js';

/** Where factories make their data: a test server, or the services alone (tests/services/). */
export type Arranging = TestServer | TestServices;

function arrange(host: Arranging): { services: Services; system: ServiceContext } {
  return { services: host.services, system: 'asSystem' in host ? host.asSystem() : host.system() };
}

let sequence = 0;
const next = () => `${process.pid}-${++sequence}`;

export const DEFAULT_PASSWORD = 'correct horse battery';

/** A user made through the service as the system would (as the CLI does), with unique defaults. */
export async function makeUser(host: Arranging, overrides: Partial<CreateUserData> = {}): Promise<UserSummary> {
  const n = next();
  const { services, system } = arrange(host);
  return services.users.create(system, {
    name: `User ${n}`,
    email: `user-${n}@example.com`,
    password: DEFAULT_PASSWORD,
    ...overrides,
  });
}

export const makeAdmin = (host: Arranging, overrides: Partial<CreateUserData> = {}) => makeUser(host, { roles: ['admin'], ...overrides });

export async function makeClient(host: Arranging, name = `Client ${next()}`): Promise<Client> {
  const { services, system } = arrange(host);
  return services.clients.create(system, { name });
}

/** Logs in over the API and returns the token; fails the test when login fails. */
export async function login(server: TestServer, email: string, password = DEFAULT_PASSWORD): Promise<string> {
  const res = await server.gql<{ login: { token: string } }>(
    'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }',
    { email, password },
  );
  if (!res.data?.login) throw new Error(`login as ${email} failed: ${JSON.stringify(res.errors)}`);
  return res.data.login.token;
}

/** A signed-in account of each kind, ready for access-rule tests. */
export async function signedIn(server: TestServer, overrides: Partial<CreateUserData> = {}): Promise<{ user: UserSummary; token: string }> {
  const user = await makeUser(server, overrides);
  return { user, token: await login(server, user.email) };
}
