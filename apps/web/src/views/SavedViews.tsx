import type { RouterOutputs } from '@auditlog/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { Confirm } from '../components/Confirm';
import { type FilterForm, formOfView, searchFromForm, viewOfForm } from '../filters';
import { useTRPC } from '../trpc';
import { ViewNameForm } from './ViewNameForm';

interface Props {
  /** The view on screen (applied, not what the filter bar holds unapplied). */
  form: FilterForm;
  me: { id: string; role: 'admin' | 'auditor' };
  onOpen(form: FilterForm): void;
}

type SavedView = RouterOutputs['views']['list'][number];

// The saved view opened last in this tab, so its changed filters can be saved back to it.
const OPENED_KEY = 'audit-log:opened-view';

const sameView = (a: FilterForm, b: FilterForm) =>
  searchFromForm({ ...a, event: '' }) === searchFromForm({ ...b, event: '' });

/**
 * Named views of the log above the filters: pinned ones one click away, every other in a
 * list; the view on screen can be saved, and a saved one renamed, shared, pinned, updated
 * or deleted by those allowed to (the server says who: its refusals are shown).
 */
export function SavedViews({ form, me, onOpen }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const views = useQuery(trpc.views.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.views.list.queryKey() });
  const options = { onSuccess: refresh };
  const create = useMutation(trpc.views.create.mutationOptions(options));
  const update = useMutation(trpc.views.update.mutationOptions(options));
  const remove = useMutation(trpc.views.delete.mutationOptions(options));
  const [editing, setEditing] = useState<'save' | 'rename' | 'delete' | null>(null);
  const [openedId, setOpenedId] = useState(() => sessionStorage.getItem(OPENED_KEY));

  const all = views.data ?? [];
  const current = all.find((v) => sameView(formOfView(v.query), form));
  const opened = all.find((v) => v.id === openedId);
  const mayManage = (v: SavedView) => v.owner.id === me.id || me.role === 'admin';
  // The view now on screen, so its later changes can be saved back to it.
  const remember = (v: SavedView) => {
    sessionStorage.setItem(OPENED_KEY, v.id);
    setOpenedId(v.id);
    setEditing(null);
  };
  const open = (v: SavedView) => {
    remember(v);
    onOpen(formOfView(v.query));
  };
  const failure = create.error ?? update.error ?? remove.error;
  const reset = () => {
    for (const m of [create, update, remove]) m.reset();
    setEditing(null);
  };

  return (
    <section className="saved-views" aria-label="Saved views">
      {all.some((v) => v.pinned) && (
        <ul className="pinned-views" aria-label="Pinned views">
          {all
            .filter((v) => v.pinned)
            .map((v) => (
              <li key={v.id}>
                <Link
                  href={`/${searchFromForm(formOfView(v.query))}`}
                  className="chip"
                  aria-current={v === current ? 'true' : undefined}
                  onClick={() => open(v)}
                >
                  {v.name}
                </Link>
              </li>
            ))}
        </ul>
      )}
      <label className="view-picker">
        <span className="visually-hidden">Open a saved view</span>
        <select
          value=""
          onChange={(e) => {
            const picked = all.find((v) => v.id === e.target.value);
            if (picked) open(picked);
          }}
        >
          <option value="">
            {views.isPending ? 'Loading saved views…' : `Saved views (${all.length})`}
          </option>
          <ViewOptions label="Yours" views={all.filter((v) => v.owner.id === me.id)} />
          <ViewOptions
            label="Shared by the team"
            views={all.filter((v) => v.owner.id !== me.id)}
            withOwner
          />
        </select>
      </label>
      {current ? (
        <span className="view-actions">
          <span>
            Showing <strong>{current.name}</strong>
            {current.shared && <span className="tag">shared</span>}
          </span>
          <button
            type="button"
            className="secondary"
            onClick={() => update.mutate({ id: current.id, pinned: !current.pinned })}
          >
            {current.pinned ? 'Unpin' : 'Pin'}
          </button>
          {mayManage(current) && (
            <>
              <button
                type="button"
                className="secondary"
                onClick={() => update.mutate({ id: current.id, shared: !current.shared })}
              >
                {current.shared ? 'Stop sharing' : 'Share with the team'}
              </button>
              <button type="button" className="secondary" onClick={() => setEditing('rename')}>
                Rename…
              </button>
              <button type="button" className="secondary" onClick={() => setEditing('delete')}>
                Delete…
              </button>
            </>
          )}
        </span>
      ) : (
        <span className="view-actions">
          {opened && mayManage(opened) && (
            <button
              type="button"
              className="secondary"
              onClick={() => update.mutate({ id: opened.id, query: viewOfForm(form) })}
            >
              Save changes to “{opened.name}”
            </button>
          )}
          <button type="button" className="secondary" onClick={() => setEditing('save')}>
            Save view…
          </button>
        </span>
      )}
      {editing === 'save' && (
        <ViewNameForm
          label="Save this view as"
          submitLabel="Save view"
          choices
          onCancel={reset}
          onSubmit={({ name, shared, pinned }) =>
            create.mutate(
              { name, shared, pinned, query: viewOfForm(form) },
              { onSuccess: remember },
            )
          }
        />
      )}
      {editing === 'rename' && current && (
        <ViewNameForm
          label={`Rename “${current.name}” to`}
          submitLabel="Rename"
          initialName={current.name}
          onCancel={reset}
          onSubmit={({ name }) =>
            update.mutate({ id: current.id, name }, { onSuccess: () => setEditing(null) })
          }
        />
      )}
      {editing === 'delete' && current && (
        <Confirm
          confirmLabel="Delete view"
          danger
          onCancel={reset}
          onConfirm={() => remove.mutate({ id: current.id }, { onSuccess: () => setEditing(null) })}
        >
          Delete the view “{current.name}”?{' '}
          {current.shared
            ? 'The team will no longer see it. '
            : 'Only the name goes: the events stay. '}
          The deletion is recorded in the log.
        </Confirm>
      )}
      {failure && (
        <p className="error" role="alert">
          {failure.message}
        </p>
      )}
    </section>
  );
}

function ViewOptions(props: { label: string; views: SavedView[]; withOwner?: boolean }) {
  if (props.views.length === 0) return null;
  return (
    <optgroup label={props.label}>
      {props.views.map((v) => (
        <option key={v.id} value={v.id}>
          {v.name}
          {props.withOwner ? ` (${v.owner.email})` : ''}
          {v.pinned ? ' · pinned' : ''}
        </option>
      ))}
    </optgroup>
  );
}
