// View settings that apply at once, and the paragraph tools of the speech page.
// Without this script the panel posts to the server and every paragraph still has its anchor.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  // The words the script shows come from the page, in the reader's language; English where the page has none.
  function label(element, name, fallback) {
    var value = element ? element.getAttribute("data-" + name) : null;
    return value || fallback;
  }

  function numbered(text, number) {
    return text.split("{number}").join(number);
  }

  function writeCookie(value) {
    var attributes = ";path=/;samesite=lax" + (location.protocol === "https:" ? ";secure" : "");
    document.cookie = value
      ? "reading=" + value + attributes + ";max-age=31536000"
      : "reading=" + attributes + ";max-age=0";
  }

  function setUpSettings(form) {
    var groups = form.querySelectorAll("fieldset[data-setting]");
    var status = form.querySelector("[role=status]");
    var saved = label(status, "saved", "Saved.");
    var reset = label(status, "reset", "Reset to defaults.");

    function apply(message) {
      var pairs = [];
      var rerender = false;
      groups.forEach(function (group) {
        var name = group.getAttribute("data-setting");
        var fallback = group.getAttribute("data-default");
        var checked = group.querySelector("input:checked");
        var value = checked ? checked.value : fallback;
        // The stylesheet shows most settings at once; one the server renders (the language) needs the page again.
        if (group.hasAttribute("data-reload") && root.getAttribute("data-" + name) !== value) rerender = true;
        root.setAttribute("data-" + name, value);
        if (value !== fallback) pairs.push(name + ":" + value);
      });
      writeCookie(pairs.join("|"));
      if (rerender) {
        location.reload();
        return;
      }
      // Every panel on the page (the header's and the settings page's) shows the same choice.
      document.querySelectorAll(".reading-form").forEach(function (other) {
        if (other === form) return;
        groups.forEach(function (group) {
          var name = group.getAttribute("data-setting");
          var input = other.querySelector('input[name="' + name + '"][value="' + root.getAttribute("data-" + name) + '"]');
          if (input) input.checked = true;
        });
      });
      if (status) status.textContent = message;
    }

    form.addEventListener("change", function () { apply(saved); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (event.submitter && event.submitter.name === "reset") {
        groups.forEach(function (group) {
          var input = group.querySelector('input[value="' + group.getAttribute("data-default") + '"]');
          if (input) input.checked = true;
        });
        apply(reset);
      } else {
        apply(saved);
      }
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var field = document.createElement("textarea");
      field.value = text;
      field.setAttribute("readonly", "");
      field.style.position = "fixed";
      field.style.opacity = "0";
      document.body.appendChild(field);
      field.select();
      var done = document.execCommand("copy");
      document.body.removeChild(field);
      (done ? resolve : reject)();
    });
  }

  function announcer() {
    var region = document.createElement("span");
    region.className = "visually-hidden";
    region.setAttribute("role", "status");
    document.body.appendChild(region);
    return region;
  }

  function setUpParagraphTools(transcript) {
    var region = announcer();
    var citeUrl = transcript.getAttribute("data-cite");
    var page = location.href.split("#")[0];
    var words = transcript.closest("[data-label-copy]");
    var copyLabel = label(words, "label-copy", "Copy link");
    var copiedLabel = label(words, "label-copied", "Link copied");
    var failedLabel = label(words, "label-copy-failed", "Copy failed");
    var citeLabel = label(words, "label-cite", "Cite");
    var copyParagraph = label(words, "label-copy-paragraph", "Copy link to paragraph {number}");
    var citeParagraph = label(words, "label-cite-paragraph", "Cite paragraph {number}");
    transcript.querySelectorAll(".transcript__p > .anchor").forEach(function (anchor) {
      var id = anchor.parentNode.id;
      var number = id.slice(1);
      var tools = document.createElement("span");
      tools.className = "p-tools";
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = copyLabel;
      button.setAttribute("aria-label", numbered(copyParagraph, number));
      button.addEventListener("click", function () {
        copyText(page + "#" + id).then(
          function () { button.textContent = region.textContent = copiedLabel; },
          function () { button.textContent = region.textContent = failedLabel; }
        );
        setTimeout(function () { button.textContent = copyLabel; region.textContent = ""; }, 4000);
      });
      var cite = document.createElement("a");
      cite.href = citeUrl + "?p=" + number;
      cite.textContent = citeLabel;
      cite.setAttribute("aria-label", numbered(citeParagraph, number));
      tools.appendChild(button);
      tools.appendChild(cite);
      anchor.insertAdjacentElement("afterend", tools);
    });
  }

  // On small screens the header's sections and search box wait behind buttons; the search box opens with the
  // cursor in it.
  function setUpToggle(button) {
    var target = document.getElementById(button.getAttribute("aria-controls"));
    if (!target) return;
    button.addEventListener("click", function () {
      var open = target.classList.toggle("is-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
      var field = target.querySelector("input[type=search]");
      if (open && field) field.focus();
    });
  }

  ready(function () {
    document.querySelectorAll(".reading-form").forEach(setUpSettings);
    document.querySelectorAll(".header-toggle").forEach(setUpToggle);
    var transcript = document.querySelector(".transcript[data-cite]");
    if (transcript) setUpParagraphTools(transcript);
  });
})();
