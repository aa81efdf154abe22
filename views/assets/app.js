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
