// The board's little script: open/close a branch of the grid, send the login form at once,
// show that a form is working. Every page works without it (the grid then shows two levels).
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
  grid.addEventListener("click", function (event) {
    var button = event.target.closest("button.t");
    if (!button) return;
    var row = button.closest("tr");
    var path = row.dataset.p, level = +row.dataset.l;
    var open = row.classList.toggle("open");
    grid.querySelectorAll("tbody tr").forEach(function (tr) {
      var p = tr.dataset.p;
      if (p === path || p.lastIndexOf(path, 0) !== 0) return;
      if (open) { if (+tr.dataset.l === level + 1) tr.hidden = false; }
      else { tr.hidden = true; tr.classList.remove("open"); }
    });
  });
});
