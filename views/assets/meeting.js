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
  document.addEventListener('htmx:finally:request', (event) =>
    formIn(event.target)?.removeAttribute('data-sending'),
  );
  // …and keep a refused form (422: its messages and what was typed) out of later morphs again.
  document.addEventListener('htmx:after:swap', (event) => {
    const ctx = event.detail?.ctx;
    const form = ctx?.sourceElement?.id ? document.getElementById(ctx.sourceElement.id) : null;
    if (form?.tagName === 'FORM' && ctx.response?.status === 422) form.setAttribute(SKIP, '');
  });

  // A form someone is typing in can still go: another member closed, selected or triaged its item, or
  // started the batch. What was typed is then given back in the message area instead of vanishing unsaid.
  let typing = [];
  document.addEventListener('htmx:sse:before:message', () => {
    // (A form whose own request is on its way is not lost: its answer says what happened.)
    typing = [...document.querySelectorAll(`#meeting form[${SKIP}]:not([data-sending])`)].map((form) => ({
      id: form.id,
      label: form.getAttribute('aria-label') || 'Your change',
      text: [...form.querySelectorAll('textarea, input[type=text]')]
        .map((field) => field.value.trim())
        .filter(Boolean)
        .join(' / '),
    }));
  });
  document.addEventListener('htmx:sse:after:message', () => {
    const lost = typing.filter((t) => !document.getElementById(t.id));
    typing = [];
    const area = document.getElementById('m-notice');
    if (!lost.length || !area) return;
    const p = document.createElement('p');
    p.className = 'alert warn';
    p.textContent = lost
      .map(
        (t) =>
          `Not saved — another member changed this while you were typing: ${t.label}.` +
          (t.text ? ` What you wrote: “${t.text}”.` : ''),
      )
      .join(' ');
    area.replaceChildren(p);
  });

  // Whether a <details> is open is each reader's own choice: morphs never open or close one.
  const ignoreOpen = () => {
    const cfg = window.htmx?.config;
    if (cfg && !cfg.morphIgnore.includes('open')) cfg.morphIgnore = [...cfg.morphIgnore, 'open'];
  };

  // Keyboard users keep their place. When an answer (or another member's change) removes the element that
  // had focus — a triaged draft, a closed experiment, a selected item — focus moves to the same control
  // on the next item (else the previous one), else to the section's heading; a refused form focuses its
  // first field in error.
  const FOCUSABLE = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const kindOf = (form) => (form ? form.id.replace(/\d+$/, '') : '');
  const placeOf = (el) => {
    if (!(el instanceof Element) || !el.closest('#meeting')) return undefined;
    const item = el.closest('li[id]');
    const siblings = (dir) => {
      const ids = [];
      for (let x = item?.[dir]; x; x = x[dir]) if (x.id) ids.push(x.id);
      return ids;
    };
    return {
      form: el.closest('form')?.id,
      kind: kindOf(el.closest('form')),
      near: [...siblings('nextElementSibling'), ...siblings('previousElementSibling')],
      section: el.closest('section')?.id,
    };
  };
  const tryFocus = (el) => {
    if (!el) return false;
    el.focus();
    return document.activeElement === el;
  };
  const lost = () => !document.activeElement || document.activeElement === document.body;
  const restore = (place) => {
    if (!place || !lost()) return;
    const form = place.form && document.getElementById(place.form);
    if (form && tryFocus(form.querySelector('button[type=submit]'))) return;
    for (const id of place.near) {
      const item = document.getElementById(id);
      if (!item) continue;
      const same = [...item.querySelectorAll('form')].find((f) => kindOf(f) === place.kind);
      const candidates = [same?.querySelector('button[type=submit]'), item.querySelector('summary')];
      if (candidates.some(tryFocus) || tryFocus(item.querySelector(FOCUSABLE))) return;
    }
    if (place.section) tryFocus(document.querySelector(`#${place.section} h2`));
  };
  document.addEventListener('htmx:before:request', (event) => {
    const form = formIn(event.target);
    form?.setAttribute('data-sending', '');
    const ctx = event.detail?.ctx;
    if (form && ctx && form.contains(document.activeElement))
      ctx.meetingPlace = placeOf(document.activeElement);
  });
  document.addEventListener('htmx:after:swap', (event) => {
    const ctx = event.detail?.ctx;
    const place = ctx?.meetingPlace;
    if (!place) return;
    const form = place.form && document.getElementById(place.form);
    if (ctx.response?.status === 422 && tryFocus(form?.querySelector('[aria-invalid="true"]'))) return;
    restore(place);
  });
  let livePlace;
  document.addEventListener('htmx:sse:before:message', () => {
    livePlace = placeOf(document.activeElement);
  });
  document.addEventListener('htmx:sse:after:message', () => restore(livePlace));

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
  // The server ends the stream with this event when the member may no longer see the workspace (removed,
  // signed out): the extension closes the stream on it (hx-sse:close) instead of reconnecting.
  const gone = () =>
    status('gone', 'Live updates stopped: you are signed out or no longer a member here. Reload the page.');
  document.addEventListener('live-gone', gone);
  document.addEventListener('htmx:sse:error', (event) => {
    const code = event.detail?.status;
    if (code === 401 || code === 403 || code === 404) {
      // Signed out, or no longer a member: stop asking (the extension stops once its element is gone).
      const live = document.getElementById('m-live');
      const note = document.createElement('p');
      note.id = 'm-live';
      note.className = live?.className ?? '';
      live?.replaceWith(note);
      gone();
      return;
    }
    status('off', 'Live updates paused: reconnecting… (reload if this stays).');
  });
  document.addEventListener('htmx:sse:close', () => {
    // (After a refusal the more precise message above stays.)
    if (document.getElementById('m-live')?.dataset.state === 'gone') return;
    status('off', 'Live updates stopped: reload the page to see what others change.');
  });

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
