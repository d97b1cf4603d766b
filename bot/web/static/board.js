// The board's little script: open/close a branch of the grid (fetching its rows the first time),
// send the login form at once, show that a form is working. Every page works without it: a
// unit's name opens its own grid.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var login = document.querySelector("form[data-autosubmit]");
  if (login) { login.submit(); return; }

  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.textContent = form.dataset.busy; }
    });
  });

  var grid = document.getElementById("grid");
  if (!grid) return;

  function toggle(row) {
    var path = row.dataset.p, level = +row.dataset.l;
    var open = row.classList.toggle("open");
    grid.querySelectorAll("tbody tr").forEach(function (tr) {
      var p = tr.dataset.p;
      if (p === path || p.lastIndexOf(path, 0) !== 0) return;
      if (open) { if (+tr.dataset.l === level + 1) tr.hidden = false; }
      else { tr.hidden = true; tr.classList.remove("open"); }
    });
  }

  grid.addEventListener("click", function (event) {
    var button = event.target.closest("button.t");
    if (!button) return;
    var row = button.closest("tr");
    if (!row.hasAttribute("data-load")) { toggle(row); return; }
    if (row.dataset.busy) return;
    row.dataset.busy = "1";
    var url = grid.dataset.rows + "&dv=" + row.dataset.id + "&l=" + row.dataset.l;
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        row.insertAdjacentHTML("afterend", html);
        row.removeAttribute("data-load");
        row.classList.add("open");
      })
      .catch(function () { window.location = row.querySelector("th a").href; })
      .finally(function () { delete row.dataset.busy; });
  });
});
