import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { ImportAction } from '../../domain/user-file.js';
import type { ImportReport } from '../../services/user-csv.service.js';
import { UserStatusValue } from './user-status.type.js';

/** What one row of an import does; spelled in lower case, as the CLI's --json report spells it. */
export enum ImportActionValue {
  created = 'created',
  updated = 'updated',
  unchanged = 'unchanged',
  error = 'error',
}

registerEnumType(ImportActionValue, {
  name: 'ImportAction',
  description: 'created: a new email, invited. updated: an existing user whose name, roles or clients change. unchanged: nothing to change. error: a bad row (then nothing is imported).',
});

@ObjectType('ImportRow', { simpleResolvers: true, description: 'One row of an imported file.' })
export class ImportRowView {
  @Field(() => Int, { description: 'Its line in the file; the header is line 1.' })
  line!: number;

  @Field(() => String, { description: "The row's email (lower-cased when it is an address)." })
  email!: string;

  @Field(() => ImportActionValue)
  action!: ImportActionValue;

  @Field(() => [String], { description: 'For updated: what changes, among name, roles and clients.' })
  changes!: string[];

  @Field(() => String, { nullable: true, description: 'For error: every problem of the row, "field: problem" for a field\'s, separated by "; ".' })
  error!: string | null;
}

@ObjectType('ImportReport', { simpleResolvers: true, description: 'What an import did, or with dryRun would do: all or nothing.' })
export class ImportReportView {
  @Field(() => Boolean, { description: 'False for a dry run, and for a file with a bad row (nothing changed).' })
  applied!: boolean;

  @Field(() => [ImportRowView])
  rows!: ImportRowView[];

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  updated!: number;

  @Field(() => Int)
  unchanged!: number;

  @Field(() => Int)
  errors!: number;
}

@ArgsType()
export class ImportUsersArgs {
  @Field(() => String, { description: 'A users file as exportUsers writes it: the header name,email,roles,clients,status, then one user per row.' })
  csv!: string;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Report what the file would do, and change nothing.' })
  dryRun!: boolean;
}

@ArgsType()
export class ExportUsersArgs {
  @Field(() => String, { nullable: true, description: 'As for users: a case-insensitive substring of name or email.' })
  search?: string | null;

  @Field(() => UserStatusValue, { nullable: true })
  status?: UserStatusValue | null;

  @Field(() => ID, { nullable: true, description: 'Only the users with this client on their access list.' })
  clientId?: string | null;
}

export function toImportReportView(report: ImportReport): ImportReportView {
  return { ...report, rows: report.rows.map((row) => ({ ...row, action: toImportActionValue(row.action), changes: [...row.changes] })) };
}

const toImportActionValue = (action: ImportAction): ImportActionValue => ImportActionValue[action];
