// Camera scanning of a paper cheque's QR code with jsQR (window.jsQR, /lib/jsQR.js). Loaded only on the scan pages.
// Progressive: without a camera, permission or JavaScript, the typing form next to it works as it is.
// The box: <div data-scan="FORM-ID" data-looking=".." data-found=".." data-denied=".." data-continue="true|false" hidden>
(function () {
  'use strict';
  var box = document.querySelector('[data-scan]');
  if (!box || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.jsQR) return;
  var form = document.getElementById(box.getAttribute('data-scan'));
  var input = form && form.querySelector('input[name="code"]');
  if (!input) return;
  var start = box.querySelector('button');
  var video = box.querySelector('video');
  var status = box.querySelector('[role="status"]');
  var canvas = document.createElement('canvas');
  var context = canvas.getContext('2d', { willReadFrequently: true });
  var stream = null;
  box.hidden = false;

  // The QR code holds the cheque URL (…/c/CODE); the form takes the code.
  function codeFrom(text) {
    var s = String(text).trim();
    var slash = s.lastIndexOf('/');
    return slash >= 0 ? s.slice(slash + 1) : s;
  }

  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
  }

  function tick() {
    if (!stream) return;
    if (video.readyState === video.HAVE_ENOUGH_DATA && video.videoWidth > 0) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
      // The cheque just collected is probably still in front of the camera: wait for the next one.
      if (found && found.data && codeFrom(found.data) !== sessionStorage.getItem('wc-scan-last')) {
        stop();
        input.value = codeFrom(found.data);
        if (box.getAttribute('data-continue') === 'true') sessionStorage.setItem('wc-scan-last', input.value);
        status.textContent = box.getAttribute('data-found');
        if (box.getAttribute('data-continue') === 'true') sessionStorage.setItem('wc-scan', '1');
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
        return;
      }
    }
    requestAnimationFrame(tick);
  }

  function begin() {
    if (stream) return;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      video.play();
      status.textContent = box.getAttribute('data-looking');
      requestAnimationFrame(tick);
    }).catch(function () {
      sessionStorage.removeItem('wc-scan');
      status.textContent = box.getAttribute('data-denied');
    });
  }

  start.addEventListener('click', begin);
  window.addEventListener('pagehide', stop);
  // Collecting one cheque after another: after a scan the page reloads with the result, and the camera starts again.
  if (box.getAttribute('data-continue') === 'true' && sessionStorage.getItem('wc-scan') === '1') begin();
})();
