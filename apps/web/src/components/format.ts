const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Local time for reading; the exact ISO instant goes in the title for copying. */
export function formatTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

export function formatResource(type: string | null, id: string | null): string {
  if (!type) return '';
  return id ? `${type}:${id}` : type;
}
