import { ACTION_PATTERN } from '@auditlog/audit';

// Verbs whose past tense is not the regular one, and reads named for what they are.
const IRREGULAR: Record<string, string> = {
  get: 'viewed',
  read: 'viewed',
  view: 'viewed',
  show: 'viewed',
  find: 'found',
  list: 'listed',
  search: 'searched',
  send: 'sent',
  resend: 'resent',
  set: 'set',
  reset: 'reset',
  put: 'put',
  run: 'ran',
  rerun: 'reran',
  pay: 'paid',
  buy: 'bought',
  sell: 'sold',
  undo: 'undone',
  submit: 'submitted',
  stop: 'stopped',
  ship: 'shipped',
  log: 'logged',
  sign: 'signed',
  begin: 'began',
};

const words = (text: string) =>
  text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/** `refund` → `refunded`, `create` → `created`, `apply` → `applied`, `send` → `sent`. */
export function pastTense(verb: string): string {
  const irregular = IRREGULAR[verb];
  if (irregular) return irregular;
  if (verb.endsWith('ed')) return verb;
  if (verb.endsWith('e')) return `${verb}d`;
  if (/[^aeiou]y$/.test(verb)) return `${verb.slice(0, -1)}ied`;
  return `${verb}ed`;
}

/** `invoices` → `invoice`, `policies` → `policy`, `addresses` → `address`. */
export function singular(noun: string): string {
  if (noun.endsWith('ies')) return `${noun.slice(0, -3)}y`;
  if (/(ss|sh|ch|x)es$/.test(noun)) return noun.slice(0, -2);
  if (noun.endsWith('s') && !noun.endsWith('ss')) return noun.slice(0, -1);
  return noun;
}

/** Text as one action segment: lower case, digits and underscores, starting with a letter. */
function segment(text: string): string {
  const joined = words(text).join('_');
  return /^[a-z]/.test(joined) ? joined : `x${joined}`;
}

/**
 * The action a tRPC procedure's path records: its last segment is the verb, the one before
 * it the resource (`billing.invoice.refund` → `invoice.refunded`). A camel-cased verb
 * carries its object (`user.changeRole` → `user.role_changed`). A path of one segment is
 * recorded under `app` (`ping` → `app.pinged`).
 */
export function procedureAction(path: string): string {
  const parts = path.split('.').filter(Boolean);
  const verbWords = words(parts.at(-1) ?? 'call');
  const [verb = 'call', ...object] = verbWords;
  const resource = parts.length > 1 ? segment(parts.at(-2) as string) : 'app';
  const done = [...object, pastTense(verb)].join('_');
  return checked(`${resource}.${done}`);
}

const METHOD_VERBS: Record<string, string> = {
  GET: 'viewed',
  HEAD: 'viewed',
  POST: 'created',
  PUT: 'updated',
  PATCH: 'updated',
  DELETE: 'deleted',
};

/**
 * The action an HTTP route records: `POST /invoices` → `invoice.created`,
 * `PATCH /invoices/:id` → `invoice.updated`, `DELETE /invoices/:id` → `invoice.deleted`,
 * and a verb after the resource names itself: `POST /invoices/:id/refund` →
 * `invoice.refunded` (a singular word posted to after a resource). Parameters (`:id`, `{id}`, `[id]`) and numbers are not names.
 */
export function routeAction(method: string, route: string): string {
  const path = route.split('?')[0] ?? '';
  const statics = path.split('/').filter((s) => s && !/^[:{[*]/.test(s) && !/^\d+$/.test(s));
  const [last, previous] = [statics.at(-1), statics.at(-2)];
  // A singular word after a resource, posted to, is a verb: POST /invoices/:id/refund.
  if (method.toUpperCase() === 'POST' && last && previous && singular(last) === last) {
    return checked(`${singular(segment(previous))}.${pastTense(segment(last))}`);
  }
  const resource = last ? singular(segment(last)) : 'app';
  return checked(`${resource}.${METHOD_VERBS[method.toUpperCase()] ?? 'called'}`);
}

function checked(action: string): string {
  if (!ACTION_PATTERN.test(action)) throw new Error(`cannot name an action from "${action}"`);
  return action;
}
