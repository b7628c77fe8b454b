import type { RouterOutputs } from '@auditlog/api';
import { periodsUnder } from '@auditlog/audit/retention';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Confirm } from '../components/Confirm';
import { useTRPC } from '../trpc';
import { PreviewText } from './PreviewText';

type Policy = RouterOutputs['retention']['policy']['policy'];
type Override = Policy['overrides'][number];
type Period = Policy['defaultDays'];

/**
 * The policy as a form: the default period and the overrides, each a number of days or
 * "forever". What a draft would delete is previewed before it can be saved, from the
 * server's own preview (the SQL a run deletes with).
 */
export function PolicyEditor(props: {
  current: RouterOutputs['retention']['policy'];
  canEdit: boolean;
}) {
  const { current, canEdit } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Policy>(current.policy);
  const [confirming, setConfirming] = useState(false);
  const preview = useQuery({
    ...trpc.retention.preview.queryOptions({ policy: draft }),
    enabled: canEdit,
    placeholderData: keepPreviousData,
  });
  const save = useMutation(
    trpc.retention.setPolicy.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        void queryClient.invalidateQueries({ queryKey: trpc.retention.pathKey() });
      },
    }),
  );
  const changed = JSON.stringify(draft) !== JSON.stringify(current.policy);
  // The server refuses these too; said here before anyone presses Save.
  const [tooShort] = periodsUnder(draft, current.minDays);
  const setOverride = (i: number, next: Override | null) =>
    setDraft({
      ...draft,
      overrides: next
        ? draft.overrides.map((o, j) => (j === i ? next : o))
        : draft.overrides.filter((_, j) => j !== i),
    });

  return (
    <section className="panel" aria-label="Retention policy">
      <h2>Policy</h2>
      <p className="muted">
        An event is kept for the first period that matches it: an override naming its exact action,
        then the longest matching action prefix (<code>auth.*</code>), then its actor type, then the
        default. Events under a legal hold are never deleted. No period can be under{' '}
        {current.minDays} days (set by the operator).
      </p>
      <fieldset disabled={!canEdit} className="policy">
        <PeriodField
          label="Default: keep events"
          value={draft.defaultDays}
          onChange={(defaultDays) => setDraft({ ...draft, defaultDays })}
        />
        {draft.overrides.map((o, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: overrides are edited in place, by position
          <fieldset key={i} className="override">
            <legend className="visually-hidden">Override {i + 1}</legend>
            <label>
              Action
              <input
                value={o.action ?? ''}
                placeholder="auth.* or document.viewed"
                onChange={(e) => setOverride(i, { ...o, action: e.target.value || undefined })}
              />
            </label>
            <label>
              Actor type
              <select
                value={o.actorType ?? ''}
                onChange={(e) =>
                  setOverride(i, {
                    ...o,
                    actorType: (e.target.value || undefined) as Override['actorType'],
                  })
                }
              >
                <option value="">any</option>
                <option value="user">user</option>
                <option value="service">service</option>
                <option value="system">system</option>
              </select>
            </label>
            <PeriodField
              label="Keep"
              value={o.days}
              onChange={(days) => setOverride(i, { ...o, days })}
            />
            <button type="button" className="secondary" onClick={() => setOverride(i, null)}>
              Remove
            </button>
          </fieldset>
        ))}
        <button
          type="button"
          className="secondary"
          onClick={() =>
            setDraft({ ...draft, overrides: [...draft.overrides, { action: '', days: 365 }] })
          }
        >
          Add override
        </button>
        <label>
          <input
            type="checkbox"
            checked={draft.archive}
            // Unticking stays possible after the operator removed ARCHIVE_DIR.
            disabled={!current.canArchive && !draft.archive}
            aria-describedby="archive-help"
            onChange={(e) => setDraft({ ...draft, archive: e.target.checked })}
          />
          Archive expired events before deleting them
        </label>
        <p id="archive-help" className="muted">
          {current.canArchive
            ? 'Each run first writes what it deletes to the server’s ARCHIVE_DIR (compressed NDJSON with the signed checkpoint), reads it back and checks it; nothing is deleted otherwise. Verify an archive offline with verify-archive.'
            : 'Archiving needs ARCHIVE_DIR set on the server.'}
        </p>
      </fieldset>
      {canEdit && (
        <div className="preview" role="status" aria-live="polite">
          {preview.isError ? (
            <span className="error">{preview.error.message}</span>
          ) : preview.data ? (
            <PreviewText preview={preview.data} stale={preview.isPlaceholderData} />
          ) : (
            'Counting what this policy would delete…'
          )}
        </div>
      )}
      {canEdit && tooShort !== undefined && (
        <p className="error" role="alert">
          {tooShort} days is below the floor of {current.minDays} days this server is set to.
        </p>
      )}
      {canEdit && changed && !confirming && (
        <button
          type="button"
          disabled={preview.isError || tooShort !== undefined}
          onClick={() => setConfirming(true)}
        >
          Save policy…
        </button>
      )}
      {confirming && preview.data && (
        <Confirm
          confirmLabel="Save policy"
          danger={preview.data.deleted > 0}
          onCancel={() => setConfirming(false)}
          onConfirm={() => save.mutate(draft)}
        >
          Save this policy? The next run will delete {preview.data.deleted.toLocaleString()} event
          {preview.data.deleted === 1 ? '' : 's'} (their proofs stay). The change is recorded in the
          log with the old and new policy.
        </Confirm>
      )}
      {save.error && (
        <p className="error" role="alert">
          {save.error.message}
        </p>
      )}
    </section>
  );
}

function PeriodField(props: { label: string; value: Period; onChange(next: Period): void }) {
  const forever = props.value === 'forever';
  return (
    <span className="period">
      <label>
        {props.label}
        <input
          type="number"
          min={1}
          value={forever ? '' : props.value}
          disabled={forever}
          onChange={(e) => props.onChange(Number(e.target.value))}
        />{' '}
        days
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={forever}
          onChange={(e) => props.onChange(e.target.checked ? 'forever' : 365)}
        />
        for ever
      </label>
    </span>
  );
}
