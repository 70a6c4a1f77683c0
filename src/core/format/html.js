// adtrace's stepping page. Every text was computed by adtrace and is in the
// JSON block `adtrace-data`: for each cell, the steps at which its text
// changes; for each step, its explanation. This script only looks texts up,
// fills cells (textContent, never HTML) and toggles classes: no maths.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('adtrace-data').textContent);
  var steps = data.steps;
  var byId = function (id) { return document.getElementById(id); };
  var cells = [];
  Object.keys(data.cells).forEach(function (id) {
    var el = byId(id);
    if (el) { cells.push({ el: el, events: data.cells[id] }); }
  });
  var at = null;

  // The text of a cell once step k is done: its last event at or before k.
  function textAt(events, k) {
    var t = '';
    for (var i = 0; i < events.length && events[i][0] <= k; i++) { t = events[i][1]; }
    return t;
  }

  function fill(id, text) {
    var el = byId(id);
    if (el && el.textContent !== text) { el.textContent = text; }
  }

  function fillList(id, items) {
    var el = byId(id);
    if (!el) { return; }
    el.textContent = '';
    items.forEach(function (t) {
      var li = document.createElement('li');
      li.textContent = t;
      el.appendChild(li);
    });
    el.hidden = items.length === 0;
  }

  function mark(els, on) {
    Array.prototype.forEach.call(els, function (el) {
      el.classList.toggle('active', on);
      if (el.tagName === 'TR') {
        if (on) { el.setAttribute('aria-current', 'step'); } else { el.removeAttribute('aria-current'); }
      }
    });
  }

  // The row's table line, graph box and the edges the step's rule reads:
  // forward, the edges into the row; reverse, those from the rows using it.
  function lit(st) {
    var edges = document.querySelectorAll(st.phase === 'forward' ? '.edge.to-' + st.row : '.edge.from-' + st.row);
    return [byId('r' + st.row), byId('n' + st.row)].filter(Boolean).concat(Array.prototype.slice.call(edges));
  }

  function show(k) {
    if (!steps.length) { return; }
    k = Math.max(0, Math.min(k, data.last));
    if (at !== null) { mark(lit(steps[at]), false); }
    at = k;
    var st = steps[k];
    cells.forEach(function (c) {
      var t = textAt(c.events, k);
      if (c.el.textContent !== t) { c.el.textContent = t; }
    });
    mark(lit(st), true);
    document.body.classList.toggle('forward', st.phase === 'forward');
    document.body.classList.toggle('reverse', st.phase === 'reverse');
    var g = byId('graph');
    if (g) { g.setAttribute('class', 'phase-' + st.phase); }
    fill('position', st.position);
    fill('place', st.place);
    fill('rule', st.rule);
    byId('value-row').hidden = st.value === null;
    fill('value', st.value === null ? '' : st.value);
    fill('what', st.what);
    fill('update', st.update);
    fill('numbers', st.numbers);
    byId('fanout').hidden = st.fanout === null;
    fill('fanout', st.fanout === null ? '' : st.fanout);
    fillList('terms', st.terms);
    fillList('notes', st.notes);
    byId('summary').hidden = k !== data.last;
    byId('first').setAttribute('aria-disabled', String(k === 0));
    byId('prev').setAttribute('aria-disabled', String(k === 0));
    byId('next').setAttribute('aria-disabled', String(k === data.last));
    byId('last').setAttribute('aria-disabled', String(k === data.last));
    document.body.setAttribute('data-step', String(k));
    try { history.replaceState(null, '', '#step=' + (k + 1)); } catch (e) { /* file:// in some browsers */ }
  }

  // Where the page opens: ?step=K or #step=K (counted from 1 as the page
  // shows it, or "end"), else the step it was made for.
  function startStep() {
    var m = /[?&#]step=(\d+|end)/.exec(location.search + location.hash);
    if (!m) { return data.start; }
    if (m[1] === 'end') { return data.last; }
    return Math.min(Math.max(parseInt(m[1], 10) - 1, 0), data.last);
  }

  byId('first').addEventListener('click', function () { show(0); });
  byId('prev').addEventListener('click', function () { show(at - 1); });
  byId('next').addEventListener('click', function () { show(at + 1); });
  byId('last').addEventListener('click', function () { show(data.last); });
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) { return; }
    var to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: data.last }[e.key];
    if (to === undefined) { return; }
    e.preventDefault();
    show(to);
  });
  show(startStep());
  document.body.setAttribute('data-ready', 'true');
}());
