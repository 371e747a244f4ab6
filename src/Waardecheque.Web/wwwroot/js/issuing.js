// The manage page while cheques are being issued: asks the server how far it is every 1.5 seconds and moves the
// progress bar and its text; when the run is done, loads the page again, which then shows the result. Without
// JavaScript the page's refresh link does the same. Any error just stops the polling: the link still works.
(function () {
  'use strict';
  var box = document.querySelector('[data-issuing-status]');
  if (!box || !window.fetch) return;
  var bar = box.querySelector('progress');
  var text = box.querySelector('[aria-live]');
  var url = box.getAttribute('data-issuing-status');

  function poll() {
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) throw new Error('status ' + response.status);
        return response.json();
      })
      .then(function (status) {
        bar.max = Math.max(status.households, 1);
        bar.value = status.issued;
        if (text.textContent !== status.text) text.textContent = status.text;
        if (status.running) setTimeout(poll, 1500);
        else location.replace(location.pathname);   // without ?ok=, so the "started" notice does not come back
      })
      .catch(function () { });
  }

  setTimeout(poll, 1500);
})();
