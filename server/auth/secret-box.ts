import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets the server must read back (a TOTP secret), encrypted at rest with AES-256-GCM under a
 * key the database does not hold: TWO_FACTOR_KEY when set, else derived (HKDF-SHA256) from the
 * token signing secret. A dump of the database alone gives away no second factor. Stored as
 * `v1.<iv>.<ciphertext and tag>` (base64url); a value that does not decrypt (another key) reads
 * as no secret at all.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(keyMaterial: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', keyMaterial, 'tracker-system', 'totp secrets v1', 32));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  /** The plain secret, or null if the value was sealed with another key or altered. */
  open(stored: string): string | null {
    const [version, iv, sealed] = stored.split('.');
    if (version !== 'v1' || !iv || !sealed) return null;
    try {
      const bytes = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
