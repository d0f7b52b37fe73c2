import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainError } from '../domain/errors.js';

export interface ConstraintVerdicts {
  /** What a unique violation means for this use case (e.g. "email taken"). */
  unique?: () => DomainError;
  /** What a foreign-key violation means (e.g. "a referenced row was deleted meanwhile"). */
  foreignKey?: () => DomainError;
}

/**
 * The unit of work of one use case: a single transaction on a fork of the caller's EntityManager,
 * all or nothing. The database's own verdicts on constraints become domain errors.
 */
export async function inTransaction<T>(em: EntityManager, work: (em: EntityManager) => Promise<T>, verdicts: ConstraintVerdicts = {}): Promise<T> {
  try {
    return await em.fork().transactional(work);
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException && verdicts.unique) throw verdicts.unique();
    if (error instanceof ForeignKeyConstraintViolationException && verdicts.foreignKey) throw verdicts.foreignKey();
    throw error;
  }
}

/** A LIKE pattern that matches `text` literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
