import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPostgresDatabase, onPostgres } from '../support/database.js';
import { runCli } from '../support/cli.js';
import { spawnServer, tempDataDir, type SpawnedServer } from '../support/process.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

/**
 * The operator changes a user's notification preferences with the CLI, and what that user
 * receives changes with them: a real server, a real SMTP server, the real scripts.
 */
let env: Record<string, string>;
let server: SpawnedServer;
let api: string;
let mailbox: TestSmtpServer;
let dropDatabase: (() => Promise<void>) | undefined;

beforeAll(async () => {
  mailbox = await startSmtpServer();
  env = { TRACKER_DATA_DIR: tempDataDir(), JWT_SECRET: 'preferences-test-'.repeat(3), SMTP_URL: mailbox.url, PUBLIC_URL: 'http://tracker.test' };
  if (onPostgres) {
    const created = await createPostgresDatabase();
    env.DATABASE_URL = created.url;
    dropDatabase = created.drop;
  }
  server = spawnServer(env);
  api = await server.ready();
});

afterAll(async () => {
  await server?.stop();
  await mailbox?.close();
  await dropDatabase?.();
});

async function cli(group: 'user' | 'client', ...args: string[]) {
  const result = await runCli(group, [...args, '--json'], { env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

async function gql(query: string, token: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${api}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data: any; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function token(email: string, password: string): Promise<string> {
  const res = await fetch(`${api}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', variables: { e: email, p: password } }),
  });
  return ((await res.json()) as { data: { login: { token: string } } }).data.login.token;
}

it('--notification-preferences switches a user between in-app notifications and emails', async () => {
  const acme = await cli('client', 'create', '--name', 'Acme');
  await cli('user', 'create', '--name', 'Operator Admin', '--email', 'boss@example.com', '--password', 'boss-password', '--roles', 'admin', '--notification-preferences', '{"email":false,"ui":false}');
  const ada = await cli('user', 'create', '--name', 'Ada', '--email', 'ada@example.com', '--password', 'ada-password', '--client-list', String(acme.id), '--notification-preferences', '{"email":false,"ui":true}');
  const boss = await token('boss@example.com', 'boss-password');
  const adaToken = await token('ada@example.com', 'ada-password');
  const unread = async () => (await gql('{ notifications { unread items { message } } }', adaToken)).notifications;

  // In-app only: a notification, no email.
  const created = await gql('mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }', boss, { i: { clientId: String(acme.id), title: 'Leaking roof' } });
  const ticketId = created.createTicket.id;
  expect((await unread()).unread).toBe(1);

  // The operator switches Ada to email only.
  const updated = await cli('user', 'update', String(ada.id), '--notification-preferences', '{"email":true,"ui":false}');
  expect(updated.notificationPreferences).toEqual({ email: true, ui: false });

  await gql('mutation($id: ID!) { updateTicket(id: $id, input: { status: IN_PROGRESS }) { status } }', boss, { id: ticketId });
  const [email] = await mailbox.waitFor(1);
  expect(email!.to).toEqual(['ada@example.com']);
  expect(email!.text).toContain('from open to in progress');
  expect(email!.text).toContain(`http://tracker.test/tickets/${ticketId}`);
  expect((await unread()).unread).toBe(1); // no new in-app notification
  expect(mailbox.received).toHaveLength(1); // and the first change sent her no email
});
