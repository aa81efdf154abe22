import { isOwner, type RoleWorkspace } from '../components/access';

/**
 * The backup part of the Import & export page (/w/:slug/data). Owners download the whole workspace as one
 * JSON file (it holds members' emails, so only owners may); server owners are pointed at the import page.
 */
export function BackupBlock(props: { ws: RoleWorkspace; serverOwner?: boolean }) {
  const { ws } = props;
  return (
    <section class="panel" aria-labelledby="backup-head">
      <h2 id="backup-head">Full backup</h2>
      {isOwner(ws) ? (
        <>
          <p>
            One JSON file with everything in {ws.name}: metrics and their measurements, hypotheses with their
            scores and results, learnings, batches, members and the activity trail. Keep it as a backup, or
            import it on another Lodestar server to move the workspace. Share links, webhooks and pending
            invites are not included.
          </p>
          <p>
            <a class="button" href={`/w/${ws.slug}/export.json`} download>
              Download full backup (JSON)
            </a>
          </p>
          <p class="hint">
            {props.serverOwner ? (
              <>
                To restore one, <a href="/workspaces/import">import a backup</a>: it becomes a new workspace,
                leaving this one as it is.
              </>
            ) : (
              'To restore or move one, a server owner imports it as a new workspace (Your workspaces → Import a workspace from a backup).'
            )}
          </p>
        </>
      ) : (
        <p>
          An owner of {ws.name} can download a full backup of the workspace (everything in it, as one JSON
          file); it holds members’ email addresses, so only owners can.
        </p>
      )}
    </section>
  );
}
