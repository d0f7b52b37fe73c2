/**
 * Turning an API failure into what a form shows: one message for people, the contract's code for
 * decisions, and per-field problems (BAD_USER_INPUT's `extensions.fields`) keyed by input field.
 * Pure: no Svelte, no urql, so that it is unit-tested without a browser.
 */

export interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown> | null;
}

/** The parts of urql's CombinedError this module reads. */
export interface CombinedErrorLike {
  message: string;
  graphQLErrors: readonly GraphQLErrorLike[];
  networkError?: Error | undefined;
  response?: unknown;
}

export interface Problem {
  /** A sentence for people: the API's own message when there is one. */
  message: string;
  /** The contract's code (UNAUTHENTICATED, BAD_USER_INPUT, ...), or NETWORK when the server was unreachable. */
  code: string;
  /** Field name → what is wrong with it, ready to show beside the field. */
  fields: Record<string, string>;
  /** TWO_FACTOR_REQUIRED's `extensions.challenge`: what the sign-in's second step sends back with the code. */
  challenge?: string;
}

export const NETWORK_MESSAGE = 'The server could not be reached. Check your connection and try again.';
export const UNKNOWN_MESSAGE = 'Something went wrong. Try again.';

export function isCombinedError(error: unknown): error is CombinedErrorLike {
  return typeof error === 'object' && error !== null && Array.isArray((error as CombinedErrorLike).graphQLErrors);
}

export function toProblem(error: unknown): Problem {
  if (isCombinedError(error)) {
    const first = error.graphQLErrors[0];
    if (first) {
      const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR';
      const fields: Record<string, string> = {};
      for (const graphQLError of error.graphQLErrors) Object.assign(fields, readFields(graphQLError.extensions?.fields));
      const hasFields = Object.keys(fields).length > 0;
      // With field problems shown beside their fields, the summary need not repeat them.
      const message = code === 'BAD_USER_INPUT' && hasFields ? summarizeFields(fields) : first.message || UNKNOWN_MESSAGE;
      const challenge = first.extensions?.challenge;
      return typeof challenge === 'string' && challenge !== '' ? { message, code, fields, challenge } : { message, code, fields };
    }
    if (error.networkError) return { message: NETWORK_MESSAGE, code: 'NETWORK', fields: {} };
  }
  return { message: UNKNOWN_MESSAGE, code: 'UNKNOWN', fields: {} };
}

function readFields(raw: unknown): Record<string, string> {
  if (typeof raw !== 'object' || raw === null) return {};
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) if (typeof value === 'string') fields[key] = sentence(value);
  return fields;
}

/** The API says "must not be empty"; beside a field it reads "Must not be empty." */
export function sentence(problem: string): string {
  const text = problem.trim();
  if (text === '') return text;
  const capital = text[0]!.toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function summarizeFields(fields: Record<string, string>): string {
  const count = Object.keys(fields).length;
  return count === 1 ? 'One field needs attention.' : `${count} fields need attention.`;
}

/**
 * The API's field names → the form's. A problem with a field the form does not show stays in
 * the general message, so that nothing the API says is lost.
 */
export function fieldsFor<K extends string>(problem: Problem, shown: readonly K[]): { fields: Partial<Record<K, string>>; rest: string[] } {
  const fields: Partial<Record<K, string>> = {};
  const rest: string[] = [];
  for (const [key, value] of Object.entries(problem.fields)) {
    if ((shown as readonly string[]).includes(key)) fields[key as K] = value;
    else rest.push(`${key}: ${value}`);
  }
  return { fields, rest };
}

/**
 * A form of one field refused: the server's word on that field, shown beside it, and whatever
 * else it said (another field's problem, or a refusal naming no field) above the form; null when
 * the field's problem says it all.
 */
export function oneFieldProblem(problem: Problem, field: string): { field: string | undefined; failure: string | null } {
  const { fields, rest } = fieldsFor(problem, [field]);
  const beside = fields[field];
  if (!beside) return { field: undefined, failure: [problem.message, ...rest].join(' ') };
  return { field: beside, failure: rest.length > 0 ? rest.join(' ') : null };
}

/** A session that ended (expired, revoked, or never there): the console goes back to sign-in. */
export function isSessionProblem(problem: Problem): boolean {
  return problem.code === 'UNAUTHENTICATED';
}
