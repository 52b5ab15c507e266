// The door (check-in) of one showtime: every code read by the camera (html5-qrcode, vendored)
// or typed by a handheld scanner is posted to the door's scan/ address, and the screen it
// answers (green: admit; red: refuse) fills the page with a beep, until a tap or a few
// seconds. The live count is polled by htmx (hx-trigger="every 4s") and read again after each
// scan. Without JavaScript the form posts the whole page, which answers the same screens.
(function () {
  "use strict";

  const door = document.querySelector("[data-door]");
  if (!door) return;
  const form = document.getElementById("door-form");
  const field = document.getElementById("id_code");
  const resultBox = document.getElementById("door-result");
  const countBox = document.getElementById("door-count");
  const camera = door.querySelector("[data-camera]");
  const startButton = camera.querySelector("[data-camera-start]");
  const stopButton = camera.querySelector("[data-camera-stop]");
  const cameraError = camera.querySelector("[data-camera-error]");
  const view = document.getElementById("door-camera-view");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  // The camera reads the same code many times a second while it is in view: it is posted
  // once, and again only after it has been out of view for this long.
  const SAME_CODE_MS = 3000;
  let lastCode = "";
  let lastSeen = 0;
  let busy = false;
  let timer = null;
  let scanner = null;
  let audio = null;

  // --- sound: a high beep to admit, a low buzz to refuse (Web Audio, no files) ----------------

  function unlockAudio() {
    // Browsers let a page make sound only after a tap or key press on it.
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume();
  }

  function tone(ok) {
    door.dataset.sound = ok ? "high" : "low";
    if (!audio) return;
    const at = audio.currentTime;
    const length = ok ? 0.18 : 0.5;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = ok ? "sine" : "square";
    oscillator.frequency.setValueAtTime(ok ? 1400 : 160, at);
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.35, at + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
    oscillator.connect(gain);
    gain.connect(audio.destination);
    oscillator.start(at);
    oscillator.stop(at + length + 0.02);
  }

  // --- the result screen --------------------------------------------------------------------

  function showing() {
    return resultBox.querySelector("[data-door-screen]") !== null;
  }

  function dismiss() {
    window.clearTimeout(timer);
    timer = null;
    // The ticket just answered may still be in front of the camera: it is ignored for a while
    // from now, even if the camera has not read it lately.
    if (lastCode) lastSeen = Date.now();
    resultBox.replaceChildren();
    if (!scanner) field.focus();
  }

  function show(html) {
    window.clearTimeout(timer);
    resultBox.innerHTML = html;
    const screen = resultBox.querySelector("[data-door-screen]");
    if (!screen) return;
    tone(screen.dataset.outcome === "admitted");
    const seconds = Number(screen.dataset.seconds) || 4;
    timer = window.setTimeout(dismiss, seconds * 1000);
  }

  function refreshCount() {
    fetch(door.dataset.countUrl, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((answer) => (answer.ok ? answer.text() : null))
      .then((html) => {
        if (html !== null) countBox.innerHTML = html;
      })
      .catch(() => {});
  }

  // Codes are posted one at a time, in the order read: a handheld scanner may type the next
  // ticket before the last one's answer is back.
  const queue = [];

  function post(code, override) {
    if (!code) return;
    queue.push({ code: code, override: override });
    if (!busy) next();
  }

  function next() {
    const item = queue.shift();
    if (!item) return;
    busy = true;
    const body = new FormData();
    body.append("code", item.code);
    if (item.override) body.append("override", "1");
    fetch(door.dataset.scanUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "text/html" },
    })
      .then((answer) => answer.text())
      .then(show)
      .catch(() => {
        // No answer (the network): nothing was admitted; the code can be read again at once.
        lastCode = "";
        show(door.querySelector("template[data-door-offline]").innerHTML);
      })
      .finally(() => {
        busy = false;
        refreshCount();
        next();
      });
  }

  // --- the typed code (a handheld scanner types it and presses Enter) ------------------------

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    unlockAudio();
    const code = field.value.trim();
    field.value = "";
    post(code, false);
    field.focus();
  });

  // A tap anywhere on the screen returns to scanning; "Admit anyway" posts the override.
  resultBox.addEventListener("submit", (event) => {
    const overrideForm = event.target.closest("[data-door-override]");
    if (!overrideForm) return;
    event.preventDefault();
    unlockAudio();
    post(overrideForm.elements.code.value, true);
  });
  resultBox.addEventListener("click", (event) => {
    if (event.target.closest("[data-door-override] button")) return;
    if (!event.target.closest("[data-door-screen]")) return;
    event.preventDefault();
    dismiss();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && showing()) dismiss();
  });

  // --- the camera ---------------------------------------------------------------------------

  function onCode(text) {
    const code = String(text || "").trim();
    const now = Date.now();
    if (code === lastCode && now - lastSeen < SAME_CODE_MS) {
      lastSeen = now; // still in view: still the same ticket
      return;
    }
    // While an answer is awaited or shown, a new code is left for a later frame to read.
    if (!code || busy || showing()) return;
    lastCode = code;
    lastSeen = now;
    post(code, false);
  }

  function cameraFailed() {
    view.hidden = true;
    startButton.hidden = false;
    stopButton.hidden = true;
    cameraError.textContent = camera.dataset.errorText;
    cameraError.hidden = false;
    scanner = null;
  }

  function startCamera() {
    unlockAudio();
    const library = window.__Html5QrcodeLibrary__;
    if (!library || scanner) return;
    cameraError.hidden = true;
    view.hidden = false;
    startButton.hidden = true;
    const reader = new library.Html5Qrcode(view.id, {
      formatsToSupport: [library.Html5QrcodeSupportedFormats.QR_CODE],
      // The browser's own reader where it has one (Chrome on Android, Safari), else zxing-js.
      experimentalFeatures: { useBarCodeDetectorIfSupported: true },
      verbose: false,
    });
    scanner = reader;
    // The back camera of a phone or tablet; any camera where there is only one.
    reader
      .start({ facingMode: "environment" }, { fps: 10 }, onCode, () => {})
      .then(() => {
        stopButton.hidden = false;
        door.dataset.camera = "on";
        camera.scrollIntoView({ block: "start", behavior: "smooth" });
      })
      .catch(cameraFailed);
  }

  function stopCamera() {
    const reader = scanner;
    scanner = null;
    stopButton.hidden = true;
    startButton.hidden = false;
    door.dataset.camera = "off";
    if (reader) {
      reader
        .stop()
        .catch(() => {})
        .finally(() => {
          view.hidden = true;
          reader.clear();
        });
    }
    field.focus();
  }

  if (window.__Html5QrcodeLibrary__ && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    startButton.hidden = false;
    startButton.addEventListener("click", startCamera);
    stopButton.addEventListener("click", stopCamera);
  }
  // Any key or tap on the page may be the first: let the beep sound from then on.
  document.addEventListener("pointerdown", unlockAudio, { once: true });
  document.addEventListener("keydown", unlockAudio, { once: true });
})();
