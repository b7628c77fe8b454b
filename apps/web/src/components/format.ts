import { useSyncExternalStore } from 'react';

/** Times read in the browser's zone or in UTC, as the person chose (kept per browser). */
export type TimeZoneChoice = 'local' | 'utc';

const KEY = 'audit-log:time-zone';
const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY);
let zone: TimeZoneChoice = stored === 'utc' ? 'utc' : 'local';
const listeners = new Set<() => void>();

const base: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  // Every time says its zone: an incident timeline mixes people in several.
  timeZoneName: 'short',
};
const formats: Record<TimeZoneChoice, Intl.DateTimeFormat> = {
  local: new Intl.DateTimeFormat(undefined, base),
  utc: new Intl.DateTimeFormat(undefined, { ...base, timeZone: 'UTC' }),
};

/** A time for reading, in the chosen zone and saying which; the ISO instant goes in titles. */
export function formatTime(iso: string, choice: TimeZoneChoice = zone): string {
  return formats[choice].format(new Date(iso));
}

export function setTimeZone(choice: TimeZoneChoice): void {
  zone = choice;
  localStorage.setItem(KEY, choice);
  for (const listener of listeners) listener();
}

/** The chosen zone; a component that shows times calls it to redraw when it changes. */
export function useTimeZone(): TimeZoneChoice {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => zone,
  );
}

export function formatResource(type: string | null, id: string | null): string {
  if (!type) return '';
  return id ? `${type}:${id}` : type;
}
