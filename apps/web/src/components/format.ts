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

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a datetime-local field shows it (yyyy-mm-ddThh:mm) in the chosen zone. */
export function wallTime(iso: string, choice: TimeZoneChoice = zone): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  if (choice === 'utc') return d.toISOString().slice(0, 16);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** What a datetime-local field holds, read in the chosen zone, as an ISO instant. */
export function instantOf(wall: string, choice: TimeZoneChoice = zone): string {
  if (!wall) return '';
  // Without an offset the string is read as local time; with Z, as UTC.
  return new Date(choice === 'utc' ? `${wall}Z` : wall).toISOString();
}
