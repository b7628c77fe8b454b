import type { EventFilter } from '@auditlog/audit';
import { exportHref } from '../filters';

/** Downloads of everything the current filter matches, not just the page on screen. */
export function DownloadButtons({ filter }: { filter: EventFilter }) {
  return (
    <nav className="downloads" aria-label="Downloads">
      <a className="button" href={exportHref(filter, 'csv')} download>
        Download CSV
      </a>
      <a className="button" href={exportHref(filter, 'json')} download>
        Download JSON
      </a>
    </nav>
  );
}
