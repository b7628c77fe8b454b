/**
 * A keyset cursor: the (createdAt, seq) of the last row a page showed. Opaque to callers
 * so its shape can change without breaking them.
 */
export interface CursorPosition {
  createdAt: Date;
  seq: number;
}

/** Which way a page runs: newest first (the default) or oldest first. */
export const sortOrders = ['newest', 'oldest'] as const;
export type SortOrder = (typeof sortOrders)[number];

/** A cursor also says its order, so it cannot continue a page that runs the other way. */
export function encodeCursor(position: CursorPosition, order: SortOrder = 'newest'): string {
  return btoa(`${position.createdAt.getTime()}:${position.seq}${order === 'oldest' ? ':o' : ''}`)
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

export function decodeCursor(cursor: string): (CursorPosition & { order: SortOrder }) | undefined {
  let decoded: string;
  try {
    decoded = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
  } catch {
    return undefined;
  }
  const match = /^(\d{1,15}):(\d{1,15})(:o)?$/.exec(decoded);
  if (!match) return undefined;
  const order = match[3] ? 'oldest' : 'newest';
  return { createdAt: new Date(Number(match[1])), seq: Number(match[2]), order };
}
