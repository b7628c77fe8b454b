import { v7 } from 'uuid';

export function newEventId(at?: Date): string {
  return at ? v7({ msecs: at.getTime() }) : v7();
}

/** The Unix time in milliseconds held in the first 48 bits of a UUIDv7. */
export function uuid7Time(id: string): number {
  return Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
}
