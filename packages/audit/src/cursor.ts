/**
 * A keyset cursor: the (createdAt, seq) of the last row a page showed. Opaque to callers
 * so its shape can change without breaking them.
 */
export interface CursorPosition {
  createdAt: Date;
  seq: number;
}

export function encodeCursor(position: CursorPosition): string {
  return btoa(`${position.createdAt.getTime()}:${position.seq}`)
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

export function decodeCursor(cursor: string): CursorPosition | undefined {
  let decoded: string;
  try {
    decoded = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
  } catch {
    return undefined;
  }
  const match = /^(\d{1,15}):(\d{1,15})$/.exec(decoded);
  if (!match) return undefined;
  return { createdAt: new Date(Number(match[1])), seq: Number(match[2]) };
}
