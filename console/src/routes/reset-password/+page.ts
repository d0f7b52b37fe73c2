import { readLinkToken } from '$lib/account.js';
import type { PageLoad } from './$types';

/** The reset's emailed link: whether it works is the server's to say, when the new password is sent. */
export const load: PageLoad = ({ url }) => ({ token: readLinkToken(url) });
