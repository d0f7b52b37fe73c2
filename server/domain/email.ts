/**
 * Where an emailed link goes in an email's text and HTML while it waits in the outbox: the
 * services write this, the outbox worker puts the link in as it sends, and the stored message
 * then forgets the link (the link is a secret: an invitation's or a password reset's).
 */
export const LINK_PLACEHOLDER = '{{link}}';
