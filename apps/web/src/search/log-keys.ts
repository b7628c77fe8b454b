import { useEffect } from 'react';

/**
 * The log's keys, as in GitHub's and Gmail's lists: `/` goes to the search box, `j` / `k`
 * or the arrow keys move between rows, Enter opens the focused one (the row's own
 * handler) and Escape closes it (the detail's). Keys typed into a field are left alone.
 */
export function useLogKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.metaKey || e.ctrlKey || e.altKey || target.closest('input, select, textarea')) return;
      if (e.key === '/') {
        e.preventDefault();
        document.querySelector<HTMLInputElement>('.search input')?.focus();
        return;
      }
      const step = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 }[e.key];
      if (!step) return;
      const rows = [...document.querySelectorAll<HTMLElement>('table.events tbody tr[data-id]')];
      if (rows.length === 0) return;
      e.preventDefault();
      const at = rows.indexOf(target.closest('tr') as HTMLElement);
      const next = at < 0 ? rows[0] : rows[Math.min(rows.length - 1, Math.max(0, at + step))];
      next?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
