import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { allowedHosts, ConfigError, loadConfig, workerCount } from './config';

describe('loadConfig', () => {
  it('defaults to the embedded database on 127.0.0.1:3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ HOST: '127.0.0.1', PORT: 3000, DEMO_DATA: false });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.DATA_DIR).toMatch(/\.data$/);
  });

  it('names every bad variable and its value', () => {
    expect(() =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', DEMO_DATA: 'yes' }),
    ).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', DEMO_DATA: 'yes' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PORT="eighty"');
      expect(message).toContain('DATABASE_URL="mysql://x": must be a postgresql:// URL');
      expect(message).toContain('DEMO_DATA="yes": must be true or false');
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('answers for the listen address and localhost, or the hosts it is told', () => {
    expect(allowedHosts(loadConfig({}))).toEqual(['127.0.0.1', 'localhost', '[::1]']);
    expect(allowedHosts(loadConfig({ ALLOWED_HOSTS: 'Audit.Example.com, localhost' }))).toEqual([
      'audit.example.com',
      'localhost',
    ]);
    expect(allowedHosts(loadConfig({ HOST: '0.0.0.0', ALLOWED_HOSTS: '*' }))).toBeNull();
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(
      /ALLOWED_HOSTS=undefined: must name the hosts clients use when HOST=0.0.0.0/,
    );
  });

  it('runs one process per core on PostgreSQL, and one on the embedded database', () => {
    const pg = 'postgresql://postgres@127.0.0.1/audit';
    expect(workerCount(loadConfig({ DATABASE_URL: pg }))).toBe(availableParallelism());
    expect(workerCount(loadConfig({ DATABASE_URL: pg, WORKERS: '3' }))).toBe(3);
    expect(workerCount(loadConfig({}))).toBe(1);
    expect(() => loadConfig({ WORKERS: '2' })).toThrow(
      /WORKERS="2": the embedded database runs in one process/,
    );
  });
});
