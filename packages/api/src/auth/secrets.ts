import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, URL-safe: session tokens and API key secrets. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** High-entropy secrets need no slow hash: SHA-256 makes a stolen table useless. */
export function sha256(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

const KEY_PATTERN = /^alk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** `alk_<prefix>_<secret>`: the prefix finds the key, the secret proves it. */
export function formatApiKey(prefix: string, secret: string): string {
  return `alk_${prefix}_${secret}`;
}

export function parseApiKey(value: string): { prefix: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(value);
  return match ? { prefix: match[1] as string, secret: match[2] as string } : undefined;
}

export function newKeyPrefix(): string {
  return randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
}
