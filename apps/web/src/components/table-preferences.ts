import { useState } from 'react';

export type Density = 'comfortable' | 'compact';
type Visibility = Record<string, boolean>;
type Updater<T> = T | ((old: T) => T);

export interface TablePreferences {
  columnVisibility: Visibility;
  setColumnVisibility(next: Updater<Visibility>): void;
  density: Density;
  setDensity(next: Density): void;
}

interface Stored {
  columnVisibility: Visibility;
  density: Density;
}

const DEFAULTS: Stored = { columnVisibility: {}, density: 'comfortable' };

/** The log table's columns and density as this person left them, in this browser. */
export function useTablePreferences(userId: string): TablePreferences {
  const key = `audit-log:table:${userId}`;
  const [stored, setStored] = useState<Stored>(() => read(key));
  const save = (next: Stored) => {
    localStorage.setItem(key, JSON.stringify(next));
    setStored(next);
  };
  return {
    ...stored,
    setColumnVisibility: (next) =>
      save({
        ...stored,
        columnVisibility: typeof next === 'function' ? next(stored.columnVisibility) : next,
      }),
    setDensity: (density) => save({ ...stored, density }),
  };
}

function read(key: string): Stored {
  try {
    const value = JSON.parse(localStorage.getItem(key) ?? 'null') as Partial<Stored> | null;
    return {
      columnVisibility: value?.columnVisibility ?? DEFAULTS.columnVisibility,
      density: value?.density === 'compact' ? 'compact' : 'comfortable',
    };
  } catch {
    // Something else wrote there: the defaults, rather than a broken table.
    return DEFAULTS;
  }
}
