// The meeting page: keeps what you are typing while live updates arrive. The page works without this file
// (every form posts and comes back); with it, other members' changes morph into the sections in place.
(() => {
  const SKIP = 'hx-morph-skip';
  const page = () => document.getElementById('meeting');
  const formIn = (el) => (el instanceof Element ? el.closest('#meeting form') : null);

  // A form someone is typing in is left alone by incoming morphs until its own request is answered.
  const mark = (event) => {
    const form = formIn(event.target);
    if (form) form.setAttribute(SKIP, '');
  };
  document.addEventListener('input', mark);
  document.addEventListener('change', mark);
  document.addEventListener('reset', (event) => formIn(event.target)?.removeAttribute(SKIP));

  // Its own answer must reach it, though: unmark before the swap (after:request comes before it)…
  document.addEventListener('htmx:after:request', (event) => formIn(event.target)?.removeAttribute(SKIP));
  // …and keep a refused form (422: its messages and what was typed) out of later morphs again.
  document.addEventListener('htmx:after:swap', (event) => {
    const ctx = event.detail?.ctx;
    const form = ctx?.sourceElement?.id ? document.getElementById(ctx.sourceElement.id) : null;
    if (form?.tagName === 'FORM' && ctx.response?.status === 422) form.setAttribute(SKIP, '');
  });

  // Whether a <details> is open is each reader's own choice: morphs never open or close one.
  const ignoreOpen = () => {
    const cfg = window.htmx?.config;
    if (cfg && !cfg.morphIgnore.includes('open')) cfg.morphIgnore = [...cfg.morphIgnore, 'open'];
  };

  // Says in words whether live updates are flowing.
  const status = (state, text) => {
    const el = document.getElementById('m-live');
    if (!el) return;
    el.dataset.state = state;
    el.textContent = text;
  };
  document.addEventListener('htmx:sse:after:connection', () =>
    status('on', 'Live: changes others make appear here as they happen.'),
  );
  document.addEventListener('htmx:sse:error', (event) => {
    const code = event.detail?.status;
    if (code === 401 || code === 403 || code === 404) {
      // Signed out, or no longer a member: stop asking (the extension stops once its element is gone).
      const live = document.getElementById('m-live');
      const note = document.createElement('p');
      note.id = 'm-live';
      note.className = live?.className ?? '';
      live?.replaceWith(note);
      status('off', 'Live updates stopped: you are signed out or no longer a member here. Reload the page.');
      return;
    }
    status('off', 'Live updates paused: reconnecting… (reload if this stays).');
  });
  document.addEventListener('htmx:sse:close', () =>
    status('off', 'Live updates stopped: reload the page to see what others change.'),
  );

  // One stream per page. The SSE extension (a separate script) may register after htmx first processed the
  // page, so the page also processes the live element once loaded; whichever asks first connects, and a
  // second request for the same element is dropped here.
  document.addEventListener('htmx:before:request', (event) => {
    const live = event.target;
    if (!(live instanceof Element) || live.id !== 'm-live') return;
    if (live.dataset.requested) event.preventDefault();
    live.dataset.requested = 'yes';
  });

  document.addEventListener('DOMContentLoaded', () => {
    if (!page()) return;
    ignoreOpen();
    window.addEventListener('load', () => {
      const live = document.getElementById('m-live');
      if (live && window.htmx && !live.dataset.requested) window.htmx.process(live);
    });
  });
})();
