import type { AuditEvent } from '@auditlog/audit';
import { EraseActor } from './EraseActor';
import { formatResource, formatTime } from './format';
import { ProofBadge } from './ProofBadge';

/** Every field of one event, for the moment a row needs a closer look. */
interface Props {
  event: AuditEvent;
  /** Admins may erase the actor's personal data. */
  canErase: boolean;
  onClose(): void;
}

export function EventDetail({ event, canErase, onClose }: Props) {
  const rows: [string, string | null][] = [
    ['Time', `${formatTime(event.createdAt)} (${event.createdAt})`],
    ['Action', event.action],
    ['Outcome', event.outcome],
    ['Actor', `${event.actorEmail || '—'} · ${event.actorId} (${event.actorType})`],
    ['Written by', writerLabel(event.writer)],
    ['Resource', formatResource(event.resourceType, event.resourceId) || null],
    ['IP', event.ip],
    ['User agent', event.userAgent],
    ['Erased', event.erasedAt && `personal data erased ${formatTime(event.erasedAt)}`],
    ['Request', event.requestId],
    ['Event id', event.id],
    ['Position', `#${event.seq}`],
    ['Hash', event.hash ?? 'joining the Merkle tree…'],
  ];
  return (
    <aside className="detail" aria-label="Event detail">
      <header>
        <h2>{event.action}</h2>
        <button type="button" className="secondary" onClick={onClose} aria-label="Close detail">
          ×
        </button>
      </header>
      <ProofBadge id={event.id} />
      <dl>
        {rows
          .filter(([, value]) => value)
          .map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
      {event.changes && (
        <>
          <h3>Changes</h3>
          <pre>{JSON.stringify(event.changes, null, 2)}</pre>
        </>
      )}
      {canErase && event.actorType === 'user' && !event.erasedAt && (
        <EraseActor actorId={event.actorId} />
      )}
      {event.metadata && (
        <>
          <h3>Metadata</h3>
          <pre>{JSON.stringify(event.metadata, null, 2)}</pre>
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
