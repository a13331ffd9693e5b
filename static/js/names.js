// Names suggested as one types in the speaker and venue filters, from the archive's own list.
// Without this script the datalist keeps the names the page came with: the facets' or the most frequent ones.
(function () {
  "use strict";
  var DELAY = 150;
  var MIN_LENGTH = 2;

  function setUp(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-suggest");
    if (!list || !url) return;
    var offered = Array.prototype.slice.call(list.children);
    var timer = null;
    var pending = null;
    var asked = "";

    function show(options) {
      while (list.firstChild) list.removeChild(list.firstChild);
      options.forEach(function (option) { list.appendChild(option); });
    }

    function ask(q) {
      if (q === asked) return;
      asked = q;
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(q), { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          // An answer to an older question would replace the list for what is typed now.
          if (!data || input.value.trim() !== q) return;
          show(data.names.map(function (name) {
            var option = document.createElement("option");
            option.value = name;
            return option;
          }));
        })
        .catch(function () {
          asked = "";  // the names already offered stay; the next keystroke asks again
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < MIN_LENGTH) {
        asked = "";
        show(offered);
        return;
      }
      timer = setTimeout(function () { ask(q); }, DELAY);
    });
  }

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  ready(function () {
    document.querySelectorAll("input[list][data-suggest]").forEach(setUp);
  });
})();
