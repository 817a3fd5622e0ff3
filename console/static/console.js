// Korea Week staff console: the few things that need a script. Everything works
// without it (forms post normally); no inline script anywhere (CSP script-src 'self').
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // Ask before destructive actions: forms with data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });

  // After a refused save, bring the first problem into view and put the cursor in its field.
  var problem = document.querySelector("ul.field-error, #record-errors");
  if (problem) {
    var box = problem.closest(".lang-col, .field") || problem;
    var input = box.querySelector("input:not([type=hidden]), textarea, select");
    problem.scrollIntoView({ block: "center" });
    if (input) {
      input.focus({ preventScroll: true });
    }
  }

  // Preview chat: send questions as JSON, show replies as plain text.
  var form = document.getElementById("chat-form");
  if (!form) {
    return;
  }
  var log = document.getElementById("chat-log");
  var input = document.getElementById("chat-text");
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");

  function add(kind, text, buttons) {
    var item = document.createElement("li");
    item.className = kind;
    item.textContent = text;
    if (buttons && buttons.length) {
      var chips = document.createElement("span");
      chips.className = "chips";
      buttons.forEach(function (title) {
        var chip = document.createElement("span");
        chip.className = "chip";
        chip.textContent = title;
        chips.appendChild(chip);
      });
      item.appendChild(chips);
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      return;
    }
    add("visitor", text);
    input.value = "";
    var waiting = add("bot waiting", form.getAttribute("data-waiting"));
    fetch(form.getAttribute("data-api"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/json" },
      body: JSON.stringify({ text: text, lang: document.getElementById("chat-lang").value })
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        waiting.remove();
        if (data.error) {
          add("bot error", data.error);
        }
        (data.replies || []).forEach(function (reply) {
          add("bot", reply.text, reply.buttons);
        });
      })
      .catch(function () {
        waiting.remove();
        add("bot error", form.getAttribute("data-failed"));
      });
  });
});
