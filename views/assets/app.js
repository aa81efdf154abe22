// Small progressive enhancements; every page works without this file.
document.addEventListener('keydown', (event) => {
  // "/" jumps to the search box, as in most tools; ignored while typing in a field.
  const t = event.target;
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
  if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement)
    return;
  const search = document.querySelector('input[type="search"]');
  if (search) {
    event.preventDefault();
    search.focus();
  }
});

// A request that never reached the server (offline, server restarting) says so instead of failing silently.
document.addEventListener('htmx:error', (event) => {
  const detail = event.detail || {};
  if (detail.ctx?.response) return; // an HTTP error: the server's own HTML message is swapped in
  let banner = document.getElementById('network-error');
  if (!banner) {
    banner = document.createElement('p');
    banner.id = 'network-error';
    banner.className = 'alert error toast';
    banner.setAttribute('role', 'alert');
    document.body.appendChild(banner);
  }
  banner.textContent =
    'Could not reach Lodestar. Your change was not saved; check the connection and try again.';
});

// "Copy as Markdown" on the meeting summary: shown only where this script runs (the textarea beside it
// stays for copying by hand).
for (const button of document.querySelectorAll('button[data-copy]')) {
  button.hidden = false;
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    try {
      await navigator.clipboard.writeText(source.value);
      button.textContent = 'Copied';
    } catch {
      // Clipboard refused (an http origin, or permission): select the text so Ctrl+C works.
      source.focus();
      source.select();
      button.textContent = 'Press Ctrl+C to copy';
    }
  });
}
