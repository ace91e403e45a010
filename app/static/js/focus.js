/* FNT Partage: after an htmx swap, the keyboard focus lands somewhere meaningful, never on <body>
   (WCAG 2.4.3), and what changed is read out (WCAG 4.1.3).

   When the swap removed the element that had the focus (the link or button used), the focus goes,
   in this order, to the error summary, an alert, the flash messages or a decision's outcome in the
   new content; else to its first heading; else to its scrolling region (a calendar, named by its
   caption); else to the swapped element itself. A swap that left the focus in place (typing in a
   field, a tab outside the swapped part) leaves it there, and an element marked ``autofocus`` by
   the server is focused by htmx itself. Boosted navigation looks at the whole page, and gives the
   page the language of the one received (htmx swaps the <body>, not <html lang>). */
(function () {
  "use strict";

  var MEANINGFUL = [
    ".error-summary",
    "[role=alert]",
    ".flashes",
    ".outcome",
    "h1, h2, h3",
    "[role=region][tabindex]"
  ];

  function focusOn(element) {
    if (!element.hasAttribute("tabindex") && !element.matches("a[href], button, input, select, textarea")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  function placeIn(container) {
    for (var i = 0; i < MEANINGFUL.length; i += 1) {
      var found = container.querySelector(MEANINGFUL[i]);
      if (found) {
        return found;
      }
    }
    return container;
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !document.contains(active);
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    if (detail.boosted && detail.xhr) {
      var lang = /<html[^>]*\slang="([^"]+)"/.exec(detail.xhr.responseText || "");
      if (lang) {
        document.documentElement.lang = lang[1];
      }
    }
    if (!focusLost()) {
      return;
    }
    var target = detail.boosted ? document.getElementById("contenu") : detail.target;
    if (target && !document.contains(target)) {
      target = target.id ? document.getElementById(target.id) : null; // replaced (outerHTML)
    }
    if (!target || !document.contains(target)) {
      target = event.target && document.contains(event.target) ? event.target : document.getElementById("contenu");
    }
    if (target) {
      focusOn(placeIn(target));
    }
  });
})();
