// The handout's Print button: shown only when this script runs (no inline script under the CSP).
document.querySelectorAll("[data-print-button]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
