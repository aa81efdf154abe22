import { z } from 'zod';
import { text } from '../validation';

export const SHARE_LABEL_MAX = 80;

/**
 * A new share link. The label is required: it is the only way an owner can later tell which link went to
 * whom, and so which one to revoke when a stakeholder leaves.
 */
export const ShareLinkInput = z.object({
  label: text('Who the link is for', SHARE_LABEL_MAX),
});
export type ShareLinkInput = z.output<typeof ShareLinkInput>;
