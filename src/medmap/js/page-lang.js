// Sets the page's lang attribute to the language the app shows (Streamlit has no option for it), so
// screen readers pronounce the page right. The language comes from a hidden marker
// written by medmap.styles, one of medmap's fixed language codes.
// No angle bracket may appear in this file: Streamlit's sanitizer drops a script with one.
(function () {
  "use strict";
  var marker = document.querySelector("[data-medmap-lang]");
  var root = window.parent && window.parent !== window ? window.parent.document : document;
  if (marker) {
    root.documentElement.lang = marker.getAttribute("data-medmap-lang");
  }
})();
