// socialplan: two small enhancements, nothing needs them to work. A table wider than its column scrolls
// inside a frame of its own (never the page); a frame that scrolls gets keyboard focus and a name, so
// keyboard users can scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable). On a phone, a plan's
// menu of sections folds under its summary, so that the section itself comes first.
(function () {
  "use strict";
  function frameOf(table) {
    var parent = table.parentElement;
    if (parent && parent.classList.contains("table-wrap")) return parent;
    var frame = document.createElement("div");
    frame.className = "table-wrap";
    parent.insertBefore(frame, table);
    frame.appendChild(table);
    return frame;
  }
  var names = {};
  function nameOf(table) {
    if (table.dataset.frameName) return table.dataset.frameName;
    var caption = table.querySelector("caption");
    var heading = table.closest("section") && table.closest("section").querySelector("h2, h3");
    var name = caption && caption.textContent.trim() ? caption.textContent.trim()
      : heading ? heading.textContent.trim() : document.title;
    names[name] = (names[name] || 0) + 1;  // two tables of one name: the second is "name (2)"
    table.dataset.frameName = names[name] > 1 ? name + " (" + names[name] + ")" : name;
    return table.dataset.frameName;
  }
  // The frame's name differs from its section's (often the same words as the table's caption): landmarks
  // are told apart by their names. The page says it in its language (main's data-frame-label).
  var pattern = (document.querySelector("main") || document.body).getAttribute("data-frame-label") || "{table}";
  function update(frame, table) {
    var scrolls = frame.scrollWidth > frame.clientWidth + 1;
    if (scrolls) {
      frame.setAttribute("tabindex", "0");
      frame.setAttribute("role", "region");
      frame.setAttribute("aria-label", pattern.replace("{table}", nameOf(table)));
    } else if (frame.dataset.frame === "auto") {
      frame.removeAttribute("tabindex");
      frame.removeAttribute("role");
      frame.removeAttribute("aria-label");
    }
  }
  function init() {
    var pairs = [];
    document.querySelectorAll("main table").forEach(function (table) {
      var frame = frameOf(table);
      if (!frame.hasAttribute("tabindex")) frame.dataset.frame = "auto";
      pairs.push([frame, table]);
    });
    var refresh = function () { pairs.forEach(function (p) { update(p[0], p[1]); }); };
    refresh();
    window.addEventListener("resize", refresh);
    // A phone shows the section first: the plan's menu of sections folds under its summary.
    if (window.matchMedia("(max-width: 50rem)").matches) {
      document.querySelectorAll("details.sections-toggle").forEach(function (d) { d.open = false; });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
