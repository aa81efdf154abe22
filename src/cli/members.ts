import { and, eq } from 'drizzle-orm';
import { memberships } from '../../db/schema';
import { putMember } from '../accounts/members';
import { findUserByEmail } from '../accounts/users';
import { getWorkspaceBySlug } from '../workspaces/workspaces';
import { command, EXIT, INVOKE } from './command';
import { MemberAdd } from './schemas';

export const memberAdd = command({
  usage: 'member add --workspace SLUG --email E --role owner|editor|viewer',
  about: 'Add a person to a workspace, or change their role in it (SLUG is the part after /w/ in its URL).',
  options: { workspace: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' } },
  schema: MemberAdd,
  async run({ workspace, email, role }, { db, out }) {
    const ws = await getWorkspaceBySlug(db, workspace);
    if (!ws) {
      out.error(`There is no workspace "${workspace}" (SLUG is the part after /w/ in its URL).`);
      return EXIT.refused;
    }
    const user = await findUserByEmail(db, email);
    if (!user) {
      out.error(`There is no account for ${email}. Add one first with: ${INVOKE} user add`);
      return EXIT.refused;
    }
    // The role before and the change in one transaction, so that the message tells what really happened.
    const before = await db.write(async (tx) => {
      const [row] = await tx
        .select({ role: memberships.role })
        .from(memberships)
        .where(and(eq(memberships.workspaceId, ws.id), eq(memberships.userId, user.id)));
      await putMember(tx, ws.id, user, role);
      return row?.role;
    });
    if (before === role) out.log(`${user.email} is already ${role} of ${ws.slug}; nothing changed.`);
    else if (before) out.log(`${user.email} is now ${role} of ${ws.slug} (was ${before}).`);
    else out.log(`Added ${user.email} to ${ws.slug} as ${role}.`);
    return EXIT.ok;
  },
});
