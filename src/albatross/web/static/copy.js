// A Copy button beside each secret shown once (input[data-copy]); without script the field is
// still there to select and copy by hand.
(function () {
  "use strict";
  function copied(status, text) {
    status.textContent = text;
  }
  document.querySelectorAll("input[data-copy]").forEach(function (input) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy the key");
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    status.className = "copy-status";
    input.insertAdjacentElement("afterend", status);
    input.insertAdjacentElement("afterend", button);
    input.addEventListener("focus", function () { input.select(); });
    button.addEventListener("click", function () {
      input.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(
          function () { copied(status, "Copied."); },
          function () { copied(status, "Press Ctrl+C (⌘C) to copy."); }
        );
      } else {
        // Plain http on another host: the old way still works there.
        copied(status, document.execCommand("copy") ? "Copied." : "Press Ctrl+C (⌘C) to copy.");
      }
    });
  });
})();
