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

  function writeCookie(value) {
    var attributes = ";path=/;samesite=lax" + (location.protocol === "https:" ? ";secure" : "");
    document.cookie = value
      ? "reading=" + value + attributes + ";max-age=31536000"
      : "reading=" + attributes + ";max-age=0";
  }

  function setUpSettings(form) {
    var groups = form.querySelectorAll("fieldset[data-setting]");
    var status = form.querySelector("[role=status]");

    function apply(message) {
      var pairs = [];
      groups.forEach(function (group) {
        var name = group.getAttribute("data-setting");
        var fallback = group.getAttribute("data-default");
        var checked = group.querySelector("input:checked");
        var value = checked ? checked.value : fallback;
        root.setAttribute("data-" + name, value);
        if (value !== fallback) pairs.push(name + ":" + value);
      });
      writeCookie(pairs.join("|"));
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

    form.addEventListener("change", function () { apply("Saved."); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (event.submitter && event.submitter.name === "reset") {
        groups.forEach(function (group) {
          var input = group.querySelector('input[value="' + group.getAttribute("data-default") + '"]');
          if (input) input.checked = true;
        });
        apply("Reset to defaults.");
      } else {
        apply("Saved.");
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
    transcript.querySelectorAll(".transcript__p > .anchor").forEach(function (anchor) {
      var id = anchor.parentNode.id;
      var number = id.slice(1);
      var tools = document.createElement("span");
      tools.className = "p-tools";
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "Copy link";
      button.setAttribute("aria-label", "Copy link to paragraph " + number);
      button.addEventListener("click", function () {
        copyText(page + "#" + id).then(
          function () { button.textContent = region.textContent = "Link copied"; },
          function () { button.textContent = region.textContent = "Copy failed"; }
        );
        setTimeout(function () { button.textContent = "Copy link"; region.textContent = ""; }, 4000);
      });
      var cite = document.createElement("a");
      cite.href = citeUrl + "?p=" + number;
      cite.textContent = "Cite";
      cite.setAttribute("aria-label", "Cite paragraph " + number);
      tools.appendChild(button);
      tools.appendChild(cite);
      anchor.insertAdjacentElement("afterend", tools);
    });
  }

  ready(function () {
    document.querySelectorAll(".reading-form").forEach(setUpSettings);
    var transcript = document.querySelector(".transcript[data-cite]");
    if (transcript) setUpParagraphTools(transcript);
  });
})();
