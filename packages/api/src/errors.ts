import { randomUUID } from 'node:crypto';

const ids = new WeakMap<object, string>();

/**
 * The id under which an unexpected error is logged and answered: the answer says only
 * that something failed and this id, the server's log has the details under it.
 */
export function errorIdOf(error: object): string {
  let id = ids.get(error);
  if (!id) {
    id = randomUUID();
    ids.set(error, id);
  }
  return id;
}

export function internalErrorMessage(errorId: string): string {
  return `Something went wrong on the server (error id ${errorId}); the details are in its log.`;
}
