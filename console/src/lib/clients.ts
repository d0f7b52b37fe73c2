import { mutate } from './graphql/client.js';
import { CreateClientMutation, DeleteClientMutation, UpdateClientMutation } from './graphql/operations.js';

/** Clients, as the admin pages change them. */

export function createClient(name: string) {
  return mutate(CreateClientMutation, { input: { name } });
}

export function renameClient(id: string, name: string) {
  return mutate(UpdateClientMutation, { id, input: { name } });
}

export function deleteClient(id: string) {
  return mutate(DeleteClientMutation, { id });
}

/** A client picker filters by a case-insensitive substring of the name. */
export function filterClients<T extends { name: string }>(clients: readonly T[], text: string): T[] {
  const needle = text.trim().toLowerCase();
  return needle === '' ? [...clients] : clients.filter((c) => c.name.toLowerCase().includes(needle));
}

/** From this many clients on, the picker offers a search box. */
export const CLIENT_PICKER_SEARCH_FROM = 8;
