/**
 * The layers of the Tracker System and the one rule between them: imports point inward.
 *
 *   cli/, server/graphql/, server/operator/, http (server/http.ts and its neighbours)
 *     → server/services/ → server/entities/, server/auth/, server/db/ → server/domain/
 *
 * server/domain/ is pure and imports nothing of ours. The console reaches the server only through
 * GraphQL (and may import the pure constants of server/domain/). Nothing imports an entry point.
 * docs/architecture.md explains each layer; `npm run check:deps` checks this file (npm test runs
 * it first, so a violation fails the tests and CI).
 */

const ENTRY_POINTS = '^(server/main\\.ts|server/print-schema\\.ts|server/db/create-migration\\.ts|cli/main\\.ts)$';
const HTTP = '^server/(http|console-assets|session-cookie|metrics)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment:
        'No import cycles. The entities may refer to each other (an ORM maps a graph: a user has clients through user_clients), ' +
        'so a cycle that stays within server/entities/ is the one allowed.',
      from: {},
      to: { circular: true, viaOnly: { pathNot: '^server/entities/' } },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'server/domain/ holds the rules as pure functions and constants: it imports nothing but itself (no ORM, no package, no Node I/O).',
      from: { path: '^server/domain/' },
      to: { pathNot: '^server/domain/' },
    },
    {
      name: 'entities-know-only-the-domain',
      severity: 'error',
      comment: 'An entity maps a table; it never calls a service or knows a transport.',
      from: { path: '^server/entities/' },
      to: { path: '^(server/(?!entities/|domain/)|cli/|console/)' },
    },
    {
      name: 'auth-and-db-below-services',
      severity: 'error',
      comment: 'Hashing, tokens and opening the database know nothing of the services, GraphQL, the operator, HTTP or the CLI.',
      from: { path: '^server/(auth|db)/' },
      to: { path: `^(server/(services|graphql|operator|mail)/|cli/|console/)|${HTTP}` },
    },
    {
      name: 'services-know-no-edge',
      severity: 'error',
      comment:
        'Services hold every business rule and are the same for every way in: they never import GraphQL, HTTP, the operator socket or the CLI ' +
        '(they throw domain errors; the edges translate them).',
      from: { path: '^server/services/' },
      to: { path: `^(server/(graphql|operator|mail)/|cli/|console/)|${HTTP}` },
    },
    {
      name: 'graphql-is-not-a-transport',
      severity: 'error',
      comment: 'GraphQL types, resolvers and directives call services; they never know HTTP, the operator socket or the CLI.',
      from: { path: '^server/graphql/' },
      to: { path: `^(server/(operator|mail|db)/|cli/|console/)|${HTTP}` },
    },
    {
      name: 'operator-is-not-graphql',
      severity: 'error',
      comment: 'The operator operations (what the CLI and the control socket run) call services directly, never through GraphQL or HTTP.',
      from: { path: '^server/operator/' },
      to: { path: `^(server/(graphql|mail)/|cli/|console/)|${HTTP}` },
    },
    {
      name: 'mail-is-delivery-only',
      severity: 'error',
      comment: 'The outbox worker and the mailer deliver what services queued; they know no edge.',
      from: { path: '^server/mail/' },
      to: { path: `^(server/(services|graphql|operator)/|cli/|console/)|${HTTP}` },
    },
    {
      name: 'cli-through-services',
      severity: 'error',
      comment: 'The CLI runs the operator operations (in its own process or through the control socket): never GraphQL or HTTP.',
      from: { path: '^cli/' },
      to: { path: `^(server/(graphql|mail)/|console/)|${HTTP}` },
    },
    {
      name: 'http-only-from-the-entry-point',
      severity: 'error',
      comment: 'Only the server entry point starts the HTTP server (tests may too).',
      from: { path: '^(server|cli)/', pathNot: `^server/main\\.ts$|${HTTP}` },
      to: { path: HTTP },
    },
    {
      name: 'nothing-imports-an-entry-point',
      severity: 'error',
      comment: 'Entry points start things when loaded: importing one would run it.',
      from: {},
      to: { path: ENTRY_POINTS },
    },
    {
      name: 'console-only-through-graphql',
      severity: 'error',
      comment: 'The console talks to the server only through GraphQL; of the server it may import the pure constants and predicates of server/domain/.',
      from: { path: '^console/src/' },
      to: { path: '^(server/(?!domain/)|cli/|mikro-orm\\.config)' },
    },
    {
      name: 'console-server-alias-only-to-domain',
      severity: 'error',
      comment: 'The same, through the $server alias of svelte.config.js.',
      from: { path: '^console/src/' },
      to: { path: '^\\$server/(?!domain/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.svelte-kit|build)/' },
    // Type-only imports count too: they are the layers' contracts.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
