import { Args, Ctx, Directive, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { ExportUsersArgs, ImportReportView, ImportUsersArgs, toImportReportView } from '../types/user-import.type.js';
import { fromUserStatusValue } from '../types/user-status.type.js';

@Resolver(() => ImportReportView)
export class UserImportResolver {
  @Query(() => String, { description: 'The CSV of the users that users would list with these filters (name,email,roles,clients,status; CRLF line ends), for importUsers.' })
  @Directive('@hasRole(role: ADMIN)')
  async exportUsers(@Ctx() ctx: RequestContext, @Args(() => ExportUsersArgs) { search, status, clientId }: ExportUsersArgs): Promise<string> {
    return ctx.services.userCsv.exportCsv(ctx, { search, clientId, status: status == null ? undefined : fromUserStatusValue(status) });
  }

  @Mutation(() => ImportReportView, {
    description: "Imports a users file, all or nothing: new emails are invited, existing users get the row's name, roles and clients. Any bad row: nothing changes, and the report names every bad row.",
  })
  @Directive('@hasRole(role: ADMIN)')
  async importUsers(@Ctx() ctx: RequestContext, @Args(() => ImportUsersArgs) { csv, dryRun }: ImportUsersArgs): Promise<ImportReportView> {
    return toImportReportView(await ctx.services.userCsv.importCsv(ctx, csv, { dryRun: dryRun ?? false }));
  }
}
