/* Chapter menu and page contents on every screen (minnorm course).
 *
 * pydata-sphinx-theme wires only the FIRST .primary-toggle / .secondary-toggle of a page,
 * the header buttons that sphinx-book-theme hides; the visible buttons of the article header
 * therefore do nothing. Here every other toggle forwards its click:
 * - chapter menu: to the wired header toggle (a modal menu on narrow screens; on wide ones
 *   sphinx-book-theme hides/shows the left sidebar);
 * - page contents: on wide screens (>= 1200 px, where the contents column is shown) it hides
 *   or shows that column; on narrower ones it opens the theme's modal menu.
 * A click on a link inside an open menu closes the menu (the page scrolls to the section).
 */
(function () {
  "use strict";
  const WIDE_CONTENTS = "(min-width: 1200px)";

  function forward(selector, wide) {
    const buttons = Array.from(document.querySelectorAll(selector));
    const wired = buttons[0];
    buttons.slice(1).forEach((button) => {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopImmediatePropagation();
        if (wide && wide()) return;
        wired.click();
      });
    });
  }

  function toggleContentsColumn() {
    if (!window.matchMedia(WIDE_CONTENTS).matches) return false;
    const column = document.getElementById("pst-secondary-sidebar");
    if (column) column.classList.toggle("course-contents-hidden");
    document.body.classList.toggle("course-contents-closed");
    return true;
  }

  function closeOnLinkClick() {
    document.querySelectorAll("dialog").forEach((dialog) => {
      dialog.addEventListener("click", (event) => {
        if (dialog.open && event.target.closest("a[href]")) dialog.close();
      });
    });
  }

  function setup() {
    forward("button.primary-toggle", null);
    forward("button.secondary-toggle", toggleContentsColumn);
    closeOnLinkClick();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
