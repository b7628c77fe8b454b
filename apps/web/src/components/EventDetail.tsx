import type { AuditEvent } from '@auditlog/audit';
import type { Qualifier } from '@auditlog/audit/search';
import { useEffect, useRef } from 'react';
import { ChangesDiff } from './ChangesDiff';
import { CopyButton } from './CopyButton';
import { EraseActor } from './EraseActor';
import { formatResource, formatTime, useTimeZone } from './format';
import { ProofBadge } from './ProofBadge';

/** Every field of one event, for the moment a row needs a closer look. */
interface Props {
  event: AuditEvent;
  /** Admins may erase the actor's personal data. */
  canErase: boolean;
  onClose(): void;
  /** Narrows the view to events sharing this value (`actor:…`, `ip:…`). */
  onSearch(qualifier: Qualifier, value: string): void;
}

// Where the detail becomes a full-screen sheet (styles.css says the same).
const PHONE = '(max-width: 760px)';

type Row = [label: string, value: string | null, search?: [Qualifier, string]];

export function EventDetail({ event, canErase, onClose, onSearch }: Props) {
  useTimeZone(); // redraw the times when the zone is switched
  useEffect(() => {
    const close = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', close);
    return () => document.removeEventListener('keydown', close);
  }, [onClose]);
  // On a phone the detail covers the screen: focus goes to it, so a screen reader reads it.
  const heading = useRef<HTMLHeadingElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each newly opened event
  useEffect(() => {
    if (window.matchMedia(PHONE).matches) heading.current?.focus();
  }, [event.id]);
  const resource = event.resourceType
    ? `${event.resourceType}${event.resourceId ? `/${event.resourceId}` : ''}`
    : null;
  const rows: Row[] = [
    ['Time', `${formatTime(event.createdAt)} (${event.createdAt})`],
    ['Action', event.action, ['action', event.action]],
    ['Outcome', event.outcome],
    [
      'Actor',
      `${event.actorEmail || '—'} · ${event.actorId} (${event.actorType})`,
      ['actor', event.actorId],
    ],
    ['Written by', writerLabel(event.writer)],
    [
      'Resource',
      formatResource(event.resourceType, event.resourceId) || null,
      resource ? ['resource', resource] : undefined,
    ],
    ['IP', event.ip, event.ip ? ['ip', event.ip] : undefined],
    ['User agent', event.userAgent],
    ['Erased', event.erasedAt && `personal data erased ${formatTime(event.erasedAt)}`],
    ['Request', event.requestId, event.requestId ? ['request', event.requestId] : undefined],
    ['Event id', event.id],
    ['Position', `#${event.seq}`],
    ['Hash', event.hash ?? 'joining the Merkle tree…'],
  ];
  return (
    <aside className="detail" aria-label="Event detail">
      <header>
        <h2 ref={heading} tabIndex={-1}>
          {event.action}
        </h2>
        <button type="button" className="secondary" onClick={onClose} aria-label="Close detail">
          ×
        </button>
      </header>
      <div className="detail-actions">
        <CopyButton label="Copy link" text={`${window.location.origin}/?event=${event.id}`} />
        <CopyButton label="Copy id" text={event.id} />
      </div>
      <ProofBadge id={event.id} />
      <dl>
        {rows
          .filter(([, value]) => value)
          .map(([label, value, search]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>
                {value}
                {search && (
                  <button
                    type="button"
                    className="link"
                    title={`${search[0]}:${search[1]}`}
                    onClick={() => onSearch(...search)}
                  >
                    Show only this {label.toLowerCase()}
                  </button>
                )}
              </dd>
            </div>
          ))}
      </dl>
      {event.changes && <ChangesDiff changes={event.changes} />}
      {event.metadata && (
        <>
          <h3>Metadata</h3>
          <pre>{JSON.stringify(event.metadata, null, 2)}</pre>
        </>
      )}
      {/* Away from the everyday reading above: it cannot be undone. */}
      {canErase && event.actorType === 'user' && !event.erasedAt && (
        <>
          <h3>Personal data (GDPR)</h3>
          <EraseActor actorId={event.actorId} />
        </>
      )}
    </aside>
  );
}

/** Who sent the event, as the server recorded it (the actor is what the event claims). */
function writerLabel(writer: string | null): string {
  if (writer === null) return 'not recorded (stored before writers were)';
  if (writer === 'server') return 'the audit log itself';
  if (writer.startsWith('api_key:')) return `API key alk_${writer.slice('api_key:'.length)}_…`;
  return `signed-in user ${writer.slice('user:'.length)}`;
}
