import { hash, verify } from '@node-rs/bcrypt';

/**
 * bcrypt hashing and verification. The native binding runs on libuv's thread pool, so a login in
 * progress never stalls other requests on the event loop (bcryptjs would, even in its async API).
 * Hashes are standard $2b$ strings, compatible with bcryptjs.
 */
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  constructor(readonly rounds: number) {}

  hash(password: string): Promise<string> {
    return hash(password, this.rounds);
  }

  verify(password: string, passwordHash: string): Promise<boolean> {
    return verify(password, passwordHash).catch(() => false);
  }

  /**
   * Spends the time a real verification would, for an email that has no account, so that a failed
   * login takes as long whether or not the email exists. Always false.
   */
  async verifyNobody(password: string): Promise<false> {
    await verify(password, await this.standIn()).catch(() => false);
    return false;
  }

  /** Prepares the stand-in hash ahead of the first failed login (a server calls this at start). */
  warmUp(): void {
    void this.standIn();
  }

  private standIn(): Promise<string> {
    this.dummyHash ??= hash('not a real password, only a timing stand-in', this.rounds);
    return this.dummyHash;
  }
}
