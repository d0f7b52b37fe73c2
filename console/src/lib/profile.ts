import { mutate } from './graphql/client.js';
import { LoginMutation, UpdateMeMutation } from './graphql/operations.js';
import { session } from './session.svelte.js';

/** The signed-in user's own account: any user may change these. */

export async function updateProfile(input: { name: string; notificationPreferences: { email: boolean; ui: boolean } }) {
  const result = await mutate(UpdateMeMutation, { input });
  if (result.ok) session.user = result.value.updateMe;
  return result;
}

/**
 * A new password revokes every session issued before, this browser's included: sign in again at
 * once with the new password, so that the user stays signed in.
 */
export async function changePassword(email: string, currentPassword: string, password: string) {
  const result = await mutate(UpdateMeMutation, { input: { currentPassword, password } });
  if (!result.ok) return result;
  const again = await mutate(LoginMutation, { email, password });
  if (again.ok) session.user = again.value.login.user;
  return result;
}
