#!/usr/bin/env node
/**
 * The bench's floor: the least a server can do to answer the bench's users page and user(id)
 * queries with the same JSON as the API, node:http + pg and one SQL statement per request that
 * builds the whole response body in PostgreSQL. No GraphQL, no ORM, no authentication, no
 * validation: what is left is PostgreSQL's work, the driver and HTTP. `npm run bench` runs it
 * beside the real server and reports every figure as a ratio to it.
 *
 *   DATABASE_URL=postgres://… PORT=4100 node scripts/bench/floor.mjs [--sql server]
 *
 * `--sql server` answers the page with the statement shape the server uses (the page's ids found
 * on the primary key alone, then joined; the total read from the count the database keeps,
 * user_totals) instead of the plain `offset` over the table and a `count(*)`: it separates what
 * the server gains from its SQL from what its stack costs.
 */
import { createServer } from 'node:http';
import pg from 'pg';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is not set');
const port = Number(process.env.PORT ?? 4100);
const serverShape = process.argv.includes('--sql') && process.argv[process.argv.indexOf('--sql') + 1] === 'server';

// One pool as large as the server's (mikro-orm.config.ts: 10).
const pool = new pg.Pool({ connectionString: url, max: 10, application_name: 'tracker-bench-floor' });

const iso = (column) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const userJson = (u) => `json_build_object(
  'id', ${u}.id::text, 'name', ${u}.name, 'email', ${u}.email,
  'roles', (select json_agg(upper(r)) from unnest(${u}.roles) r),
  'clients', coalesce((select json_agg(json_build_object('id', c.id::text, 'name', c.name) order by c.id)
                         from user_clients uc join clients c on c.id = uc.client_id where uc.user_id = ${u}.id), '[]'::json),
  'notificationPreferences', json_build_object('email', ${u}.notify_by_email, 'ui', ${u}.notify_in_ui),
  'createdAt', ${iso(`${u}.created_at`)}, 'updatedAt', ${iso(`${u}.updated_at`)}, 'lastLoginAt', ${iso(`${u}.last_login_at`)})`;

const pageRows = serverShape
  ? `(select u.* from (select id from users order by id offset $1 limit $2) p join users u on u.id = p.id)`
  : `(select * from users order by id offset $1 limit $2)`;
const total = serverShape ? `(select total from user_totals)` : `(select count(*)::int from users)`;
const PAGE = `select json_build_object('data', json_build_object('users', json_build_object(
  'total', ${total}, 'skip', $1::int, 'limit', $2::int,
  'items', coalesce((select json_agg(${userJson('u')} order by u.id) from ${pageRows} u), '[]'::json))))::text as body`;
const GET = `select json_build_object('data', json_build_object('user', ${userJson('u')}))::text as body from users u where u.id = $1`;

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const { query, variables = {} } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      let body;
      if (/\busers\s*\(/.test(query)) {
        body = (await pool.query(PAGE, [variables.skip ?? 0, variables.limit ?? 100])).rows[0].body;
      } else if (/\buser\s*\(/.test(query)) {
        const rows = (await pool.query(GET, [Number(variables.id)])).rows;
        body = rows[0]?.body ?? JSON.stringify({ errors: [{ message: 'The user with this id does not exist in the system', extensions: { code: 'NOT_FOUND' } }] });
      } else {
        res.writeHead(400).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  });
});

server.listen(port, '127.0.0.1', () => process.stderr.write(`floor listening on http://127.0.0.1:${port}\n`));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
