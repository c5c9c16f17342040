/* Evident default theme script.
   Loaded synchronously in <head> (it is tiny) so the audience choice is applied
   before first paint. Without JavaScript every answer stays visible. */
(function () {
  "use strict";

  var root = document.documentElement;
  var KEY = "evident.audience";
  var AUDIENCES = ["clinician", "patient"];

  root.classList.add("js");

  function isAudience(value) {
    return AUDIENCES.indexOf(value) !== -1;
  }

  function load() {
    try {
      var value = window.localStorage.getItem(KEY);
      return isAudience(value) ? value : null;
    } catch (e) {
      return null; // storage disabled (privacy mode, file://, policy)
    }
  }

  function save(value) {
    try {
      window.localStorage.setItem(KEY, value);
    } catch (e) {
      /* choice simply is not remembered */
    }
  }

  function apply(value) {
    root.setAttribute("data-audience", value);
  }

  var stored = load();
  if (stored) {
    apply(stored);
  }

  function init() {
    var switches = document.querySelectorAll("[data-audience-switch]");
    if (!switches.length) {
      return;
    }

    var article = document.querySelector("[data-default-audience]");
    var fallback = article ? article.getAttribute("data-default-audience") : "clinician";
    var current = load() || (isAudience(fallback) ? fallback : "clinician");
    apply(current);

    Array.prototype.forEach.call(switches, function (group) {
      var radios = group.querySelectorAll('input[type="radio"]');
      Array.prototype.forEach.call(radios, function (radio) {
        radio.checked = radio.value === current;
        radio.addEventListener("change", function () {
          if (!radio.checked || !isAudience(radio.value)) {
            return;
          }
          current = radio.value;
          apply(current);
          save(current);
          // Keep any other switch on the page in step.
          Array.prototype.forEach.call(document.querySelectorAll('[data-audience-switch] input[type="radio"]'), function (other) {
            other.checked = other.value === current;
          });
        });
      });
    });

    // Another tab changed the preference: follow it.
    window.addEventListener("storage", function (event) {
      if (event.key === KEY && isAudience(event.newValue)) {
        current = event.newValue;
        apply(current);
        Array.prototype.forEach.call(document.querySelectorAll('[data-audience-switch] input[type="radio"]'), function (radio) {
          radio.checked = radio.value === current;
        });
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
