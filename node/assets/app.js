/* linli-node staff page: the little script the page uses.  Everything works
 * without it; it only adds the print button and a confirmation before the
 * irreversible dissolution. */
(function () {
  'use strict';
  document.addEventListener('click', function (ev) {
    var t = ev.target;
    if (t && t.matches && t.matches('[data-print]')) {
      ev.preventDefault();
      window.print();
    }
  });
  document.addEventListener('submit', function (ev) {
    var f = ev.target;
    var q = f && f.getAttribute && f.getAttribute('data-confirm');
    if (q && !window.confirm(q)) {
      ev.preventDefault();
    }
  });
})();
