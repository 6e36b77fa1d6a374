// Warn before the session's idle (or absolute) limit signs the user out, and offer to stay.
// The server keeps the clock (accounts/session_limits.py); this only asks it and shows it.
(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box) { return; }
  var text = document.getElementById("session-warning-text");
  var form = box.querySelector("form");
  var signIn = box.querySelector(".session-warning-sign-in");
  var warning = Number(box.dataset.warningSeconds) || 120;
  var timer = null;
  var ticker = null;
  var deadline = 0;

  function describe(seconds) {
    if (seconds >= 90) { return Math.round(seconds / 60) + " minutes"; }
    return seconds + (seconds === 1 ? " second" : " seconds");
  }

  function schedule(idleLeft, absoluteLeft) {
    clearTimeout(timer);
    clearInterval(ticker);
    var left = Math.min(idleLeft, absoluteLeft);
    deadline = Date.now() + left * 1000;
    if (left > warning) {
      box.hidden = true;
      timer = setTimeout(check, (left - warning) * 1000);
      return;
    }
    warn(idleLeft <= absoluteLeft);
    // Ask again every few seconds: another tab may have stayed signed in, or signed out.
    timer = setTimeout(check, Math.min(left + 1, 10) * 1000);
  }

  function warn(canStay) {
    var firstShown = box.hidden;
    box.hidden = false;
    form.hidden = !canStay;
    signIn.hidden = true;
    function show() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      text.textContent = canStay
        ? "You will be signed out in " + describe(left) + " because nothing has happened for a while."
        : "Your session reaches its time limit in " + describe(left) + ". Save your work and sign in again.";
    }
    show();
    ticker = setInterval(show, 1000);
    if (canStay && firstShown) { form.querySelector("button").focus(); }
  }

  function signedOut() {
    clearTimeout(timer);
    clearInterval(ticker);
    box.hidden = false;
    form.hidden = true;
    signIn.hidden = false;
    text.textContent = "You have been signed out. Sign in again to carry on: a step you send now is kept for you.";
  }

  function answer(response) {
    if (!response.ok) { throw new Error("status " + response.status); }
    return response.json();
  }

  function apply(clock) {
    if (!clock.signed_in) { signedOut(); return; }
    schedule(clock.idle_left, clock.absolute_left);
  }

  function check() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(answer).then(apply)
      .catch(function () { timer = setTimeout(check, 30000); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      body: new FormData(form)
    }).then(answer).then(apply).catch(function () { form.submit(); });
  });

  schedule(Number(box.dataset.idleLeft), Number(box.dataset.absoluteLeft));
}());
