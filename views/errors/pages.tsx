import type { Workspace } from '../../db/schema';
import { Layout } from '../layout';

export function ErrorFragment(props: { title: string; message: string; ws?: Workspace }) {
  return (
    <section class="error-page" role="alert">
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      <p>
        <a href={props.ws ? `/w/${props.ws.slug}` : '/'}>
          {props.ws ? `Back to ${props.ws.name}` : 'Back to your workspaces'}
        </a>
      </p>
    </section>
  );
}

export function ErrorPage(props: { title: string; message: string; ws?: Workspace }) {
  return (
    <Layout title={props.title} ws={props.ws}>
      <ErrorFragment {...props} />
    </Layout>
  );
}
