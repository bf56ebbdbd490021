/* "Layanan terdekat": place suggestions as you type (own code, no dependencies).
   The text field becomes an ARIA 1.2 combobox over the JSON endpoint in data-suggest-url
   (Kaltim kecamatan and desa/kelurahan). Keys: Down/Up move through the suggestions, Enter takes
   the highlighted one, Escape closes the list. Without this script the form still works: the
   server resolves the typed name and lists the places to choose from when several match. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setup(combo) {
    var input = combo.querySelector("input");
    var list = combo.querySelector("[role=listbox]");
    var status = document.getElementById("place-status");
    var url = combo.getAttribute("data-suggest-url");
    if (!input || !list || !url) {
      return;
    }
    var options = [];
    var active = -1;
    var timer = null;
    var latest = 0;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var option = options[index];
      if (!option) {
        return;
      }
      input.value = option.getAttribute("data-label");
      close();
      if (status) {
        status.textContent = option.getAttribute("data-label");
      }
    }

    function show(results) {
      list.innerHTML = "";
      options = results.map(function (place, i) {
        var item = document.createElement("li");
        item.id = "place-option-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.setAttribute("data-label", place.label);
        var parts = place.label.split(" \u2014 ");
        var title = document.createElement("span");
        title.className = "suggestion-title";
        title.textContent = parts[0];
        item.appendChild(title);
        if (parts[1]) {
          var where = document.createElement("span");
          where.className = "suggestion-where";
          where.textContent = parts[1];
          item.appendChild(where);
        }
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the field
          choose(i);
        });
        list.appendChild(item);
        return item;
      });
      active = -1;
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      if (status) {
        var template = combo.getAttribute(options.length ? "data-status" : "data-status-none") || "";
        status.textContent = template.replace("%(count)s", String(options.length));
      }
    }

    function fetchSuggestions() {
      var text = input.value.trim();
      if (text.length < 2) {
        latest++; // an answer still on its way is no longer wanted
        list.innerHTML = "";
        options = [];
        close();
        if (status) {
          status.textContent = "";
        }
        return;
      }
      var ticket = ++latest;
      fetch(url + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (ticket === latest) {
            show(data.results || []);
          }
        })
        .catch(function () {
          show([]);
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) {
          fetchSuggestions();
          return;
        }
        highlight(active < options.length - 1 ? active + 1 : 0);
      } else if (event.key === "ArrowUp") {
        if (open) {
          event.preventDefault();
          highlight(active > 0 ? active - 1 : options.length - 1);
        }
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault(); // take the suggestion; a second Enter submits
          choose(active);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        }
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 100);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".place-combo[data-suggest-url]").forEach(setup);
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  });
})();
