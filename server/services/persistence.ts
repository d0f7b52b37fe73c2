import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityName } from '@mikro-orm/core';
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

/** Rows per INSERT statement: a statement carries at most 65,535 parameters, and a row of ours at most a dozen. */
const ROWS_PER_INSERT = 1000;

/**
 * Inserts every row, in as few statements as PostgreSQL's parameter limit allows (one for up to
 * a thousand rows); returns the new primary keys in the order of the rows.
 */
export async function insertAll<T extends object>(em: EntityManager, entity: EntityName<T>, rows: readonly object[]): Promise<unknown[]> {
  const keys: unknown[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) keys.push(...(await em.insertMany(entity, rows.slice(i, i + ROWS_PER_INSERT) as never)));
  return keys;
}
