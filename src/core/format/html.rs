//! The stepping page for a course website: one self-contained HTML file
//! (inline CSS and JS, no network, works from `file://`) with the graph as
//! SVG from `core::layout`, the lecture's table and the explanation, and
//! buttons and arrow keys that step forward and back through every step of
//! every sweep.
//!
//! Every step is precomputed here and embedded as JSON: each cell (table
//! value/derivative/adjoint/note, a graph box's value and derivative line)
//! is a list of `[first step, text]` events, and each step carries its
//! explanation as texts. The page's script (`html.js`) only looks texts up,
//! fills cells and toggles classes; it does no arithmetic on the numbers.
//! Must not compute a derivative (numbers are the sweep's, rules
//! `explain`'s, what is known at a step `schedule`'s), and must escape every
//! text it writes (names and rule texts come from the user's program).

use std::fmt::Write as _;

use super::{Ctx, Options, Shown, par};
use crate::core::explain::Explainer;
use crate::core::layout::{self, NodeSpec};
use crate::core::notation::{Names, fixed};
use crate::core::schedule::{Known, Phase, Segment, Step};
use crate::core::sweep::Sweep;
use crate::core::trace::Trace;

const CSS: &str = include_str!("html.css");
const JS: &str = include_str!("html.js");

/// Largest trace drawn as a graph (as the TUI's box view); beyond it the
/// page has the table and the explanation only.
const GRAPH_ROWS: usize = 300;
/// Pixels per layout cell: the layout works on a monospace grid.
const CW: f64 = 9.0;
const CH: f64 = 18.0;
/// A box: border, title, value line, derivative line, border.
const BOX_ROWS: u16 = 5;
/// Most characters a box line shows (the table has the whole text).
const BOX_TEXT: usize = 40;

/// Escape text for HTML element content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn cells_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// At most `max` cells of `s`, ending in `…` when cut.
fn cut(s: &str, max: usize) -> String {
    if cells_width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for ch in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        w += cw;
        out.push(ch);
    }
    out.push('…');
    out
}

/// The texts a row shows once a step is done, in the cells' order.
const KINDS: [&str; 6] = ["v", "t", "a", "w", "gv", "gd"];

/// The six texts of `row` as `sw` (the numbers of the step's own sweep)
/// and `known` leave them, in a step of `phase`.
fn texts(
    c: &Ctx,
    names: &Names,
    sw: &Sweep,
    row: usize,
    known: Known,
    phase: Phase,
) -> [String; 6] {
    let p = names.style.precision;
    let cell = |k: bool, x: f64| if k { fixed(x, p) } else { String::new() };
    let boxed = |k: bool, x: f64| if k { fixed(x, p) } else { "?".into() };
    let mut notes: Vec<String> = c
        .sweep
        .warnings_at(row)
        .filter(|w| w.shown(known))
        .map(|w| w.kind.name().to_string())
        .collect();
    notes.dedup();
    if !c.trace.nodes[row].reaches_output {
        notes.push("unused by the output".into());
    }
    let derivative = match phase {
        Phase::Forward => format!(
            "{} = {}",
            names.tangent(row),
            boxed(known.tangent, sw.tangent[row])
        ),
        Phase::Reverse => format!(
            "{} = {}",
            names.adjoint(row),
            boxed(known.adjoint, sw.adjoint[row])
        ),
    };
    [
        cell(known.value, sw.value[row]),
        cell(known.tangent, sw.tangent[row]),
        cell(known.adjoint, sw.adjoint[row]),
        names.out(notes.join(", ")),
        cut(
            &format!("{} = {}", names.sym(row), boxed(known.value, sw.value[row])),
            BOX_TEXT,
        ),
        cut(&derivative, BOX_TEXT),
    ]
}

/// Every cell's events: `events[row][kind]` lists `(first step, text)`.
/// Within one sweep a row's cells change only at the row's own step (what
/// is known is monotone there, and the numbers are that sweep's), so each
/// sweep needs the state at its first step and at the row's step: linear
/// in the steps.
fn events(c: &Ctx) -> Vec<[Vec<(usize, String)>; 6]> {
    let trace = c.trace;
    let names = c.names();
    let mut ev: Vec<[Vec<(usize, String)>; 6]> =
        (0..trace.len()).map(|_| Default::default()).collect();
    for seg in c.schedule.segments() {
        let own;
        let sw = if c.sweep.differs(trace, seg.phase, seg.sweep) {
            own = c.sweep.at_sweep(trace, seg.phase, seg.sweep);
            &own
        } else {
            c.sweep
        };
        for (row, slots) in ev.iter_mut().enumerate() {
            let at_row = c.schedule.index_of(seg.phase, seg.sweep, row);
            for k in std::iter::once(seg.start).chain(at_row) {
                let t = texts(c, names, sw, row, c.schedule.known(k, row), seg.phase);
                for (slot, text) in slots.iter_mut().zip(t) {
                    if slot.last().is_none_or(|(_, last)| *last != text) {
                        slot.push((k, text));
                    }
                }
            }
        }
    }
    ev
}

/// The text shown at step `k` by a cell's events.
fn text_at(events: &[(usize, String)], k: usize) -> &str {
    events
        .iter()
        .take_while(|(from, _)| *from <= k)
        .last()
        .map_or("", |(_, t)| t.as_str())
}

/// One step's explanation, as the page shows it.
struct Explained {
    step: Step,
    position: String,
    place: String,
    rule: String,
    value: Option<String>,
    what: &'static str,
    update: String,
    numbers: String,
    fanout: Option<String>,
    terms: Vec<String>,
    notes: Vec<String>,
}

fn explained(c: &Shown, sweep_title: &str, ex: &Explainer, sw_seeded: bool, st: Step) -> Explained {
    let names = &ex.names;
    let e = ex.explain_all(st);
    let row = st.row;
    let who = match c.trace.name(row) {
        Some(n) => format!("{} ({n})", names.label(row)),
        None => names.label(row),
    };
    let fanout = (!e.terms.is_empty()).then(|| {
        let users: Vec<String> = e.terms.iter().map(|t| names.sym(t.consumer)).collect();
        let lead = if e.terms.len() > 1 { "fan-out: " } else { "" };
        names.out(format!(
            "{lead}{} is used by {}:",
            names.sym(row),
            users.join(", ")
        ))
    });
    let mut notes = Vec::new();
    if st.phase == Phase::Forward && !sw_seeded {
        notes.push(names.out(format!(
            "{} does not depend on the seeded inputs: its tangent is structurally 0",
            names.sym(row)
        )));
    }
    let known = c.schedule.known(st.index, row);
    for w in c.sweep.warnings_at(row).filter(|w| w.shown(known)) {
        notes.push(format!("warning: {}", ex.warning(w)));
    }
    Explained {
        step: st,
        position: format!("step {} of {}", st.index + 1, c.schedule.count()),
        place: names.out(format!("{sweep_title}, row {who}")),
        rule: e.general,
        value: e.value,
        what: match st.phase {
            Phase::Forward => "tangent",
            Phase::Reverse => "adjoint",
        },
        update: e.symbolic,
        numbers: e.numeric,
        fanout,
        terms: e.terms.into_iter().map(|t| t.partial_rule).collect(),
        notes,
    }
}

/// The title of a segment's steps on the page.
fn segment_title(c: &Ctx, seg: &Segment) -> String {
    let names = c.names();
    if c.schedule.sweeps(seg.phase) > 1 {
        c.sweep_title(seg)
    } else {
        match seg.phase {
            Phase::Forward => format!("forward sweep (seed {})", c.ex.seed_text()),
            Phase::Reverse => format!(
                "reverse sweep (seed {} = {})",
                names.adjoint(c.trace.output()),
                names.num(c.sweep.cotangent.first().copied().unwrap_or(1.0))
            ),
        }
    }
}

/// `Sweep::seeded` is along the stored seed; a later forward sweep of a
/// Jacobian goes along another unit seed, so say nothing there.
fn ex_seeded(c: &Shown, seg: &Segment, row: usize) -> bool {
    if c.sweep.differs(c.trace, seg.phase, seg.sweep) {
        return true;
    }
    c.sweep.seeded.get(row).copied().unwrap_or(true)
}

/// The page title: `f at x = 1`.
fn heading(c: &Ctx) -> String {
    let names = c.names();
    let point: Vec<String> = c
        .trace
        .input_names()
        .zip(&c.sweep.point)
        .map(|(n, v)| format!("{n} = {}", names.num(*v)))
        .collect();
    let outs: Vec<String> = c.trace.outputs().map(|r| names.sym(r)).collect();
    let outs = if outs.len() > 6 {
        format!("{} outputs", outs.len())
    } else {
        outs.join(", ")
    };
    if point.is_empty() {
        names.out(outs)
    } else {
        names.out(format!("{outs} at {}", point.join(", ")))
    }
}

/// The whole page as a string (tests, the REPL's `:export`).
pub fn html(trace: &Trace, sweep: &Sweep, opts: Options) -> String {
    super::into_string(|out| write_html(trace, sweep, opts, out))
}

/// The page, streamed to `out`: the steps' data (most of a large page) is
/// made on two threads and written as it is made.
pub fn write_html(
    trace: &Trace,
    sweep: &Sweep,
    opts: Options,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    // Every step is on the page; `--step` only chooses where it opens.
    let c = Ctx::new(trace, sweep, Options { step: None, ..opts });
    let names = c.names();
    let count = c.schedule.count();
    let start = opts.step.map_or(0, |k| k.min(c.schedule.last()));
    let ev = events(&c);
    let graph = trace.len() <= GRAPH_ROWS;
    // The step the page opens at, explained in the page itself.
    let first = c
        .schedule
        .segments()
        .find(|seg| (seg.start..seg.start + seg.len).contains(&start))
        .and_then(|seg| {
            let st = c.schedule.step(start)?;
            let own = c.own_sweep(&seg);
            let ex = Explainer::new(trace, own.as_ref().unwrap_or(sweep), *names)
                .with_consumers(c.ex.consumers());
            let seeded = ex_seeded(&c.shown(), &seg, st.row);
            let title = segment_title(&c, &seg);
            Some(explained(&c.shown(), &title, &ex, seeded, st))
        });
    let mut s = String::new();
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str("<meta name=\"generator\" content=\"adtrace\">\n");
    let head = heading(&c);
    let _ = writeln!(s, "<title>adtrace: {}</title>", esc(&head));
    let _ = writeln!(s, "<style>\n{CSS}</style>\n</head>\n<body>");
    let _ = writeln!(
        s,
        "<header>\n<h1>Automatic differentiation, step by step: <span class=\"m\">{}</span></h1>",
        esc(&head)
    );
    let [v, d, a] = names.columns();
    let _ = writeln!(
        s,
        "<p class=\"lead\">The forward sweep fills the columns <em>{}</em> and <em>{}</em> row by row, top to bottom; the reverse sweep then fills <em>{}</em> from the output back to the inputs. Step through both with the buttons or the arrow keys.</p>\n</header>",
        esc(&names.out(v)),
        esc(&names.out(d)),
        esc(&names.out(a))
    );
    controls(&mut s, count);
    s.push_str("<main>\n");
    if graph {
        svg(&mut s, &c, &ev, start);
    } else {
        let _ = writeln!(
            s,
            "<section class=\"graph\" aria-labelledby=\"graph-h\">\n<h2 id=\"graph-h\">Graph</h2>\n<p>The graph is drawn for traces of up to {GRAPH_ROWS} rows; this one has {}.</p>\n</section>",
            trace.len()
        );
    }
    s.push_str("<div class=\"side\">\n");
    explanation(&mut s, first.as_ref(), count);
    table(&mut s, &c, &ev, start);
    summary(&mut s, &c, start);
    s.push_str("</div>\n</main>\n");
    s.push_str("<footer><p>Made by adtrace. Keys: → or the Forward button: next step; ← or Back: previous step; Home, End: first and last step. Open at a step with <code>?step=K</code> (0-based).</p></footer>\n");
    out.write_all(s.as_bytes())?;
    data(out, &c, &ev, start, graph)?;
    write!(out, "<script>\n{JS}</script>\n</body>\n</html>\n")
}

fn controls(s: &mut String, count: usize) {
    let _ = writeln!(
        s,
        "<nav class=\"controls\" aria-label=\"Steps\">\n\
<button type=\"button\" id=\"first\" aria-label=\"First step\" aria-keyshortcuts=\"Home\">« First</button>\n\
<button type=\"button\" id=\"prev\" aria-label=\"Previous step\" aria-keyshortcuts=\"ArrowLeft\">◀ Back</button>\n\
<button type=\"button\" id=\"next\" aria-label=\"Next step\" aria-keyshortcuts=\"ArrowRight\">Forward ▶</button>\n\
<button type=\"button\" id=\"last\" aria-label=\"Last step\" aria-keyshortcuts=\"End\">Last »</button>\n\
<span class=\"hint\">{count} steps · keys ← → Home End</span>\n</nav>"
    );
}

fn explanation(s: &mut String, e: Option<&Explained>, count: usize) {
    s.push_str("<section class=\"explain\" aria-labelledby=\"explain-h\">\n<h2 id=\"explain-h\">Explanation</h2>\n");
    s.push_str("<div id=\"explanation\" aria-live=\"polite\" aria-atomic=\"true\">\n");
    let Some(e) = e else {
        let _ = writeln!(
            s,
            "<p id=\"where\">This program has no rows ({count} steps).</p>\n</div>\n</section>"
        );
        return;
    };
    let hidden = |b: bool| if b { " hidden" } else { "" };
    let _ = writeln!(
        s,
        "<p id=\"where\"><strong id=\"position\">{}</strong>: <span id=\"place\">{}</span></p>",
        esc(&e.position),
        esc(&e.place)
    );
    let _ = writeln!(
        s,
        "<dl>\n<div><dt>rule</dt><dd id=\"rule\" class=\"m\">{}</dd></div>",
        esc(&e.rule)
    );
    let _ = writeln!(
        s,
        "<div id=\"value-row\"{}><dt>value</dt><dd id=\"value\" class=\"m\">{}</dd></div>",
        hidden(e.value.is_none()),
        esc(e.value.as_deref().unwrap_or(""))
    );
    let _ = writeln!(
        s,
        "<div><dt id=\"what\">{}</dt><dd class=\"m\"><span id=\"update\">{}</span> <span id=\"numbers\">{}</span></dd></div>\n</dl>",
        e.what,
        esc(&e.update),
        esc(&e.numbers)
    );
    let _ = writeln!(
        s,
        "<p id=\"fanout\"{}>{}</p>",
        hidden(e.fanout.is_none()),
        esc(e.fanout.as_deref().unwrap_or(""))
    );
    list(s, "terms", "m", &e.terms);
    list(s, "notes", "", &e.notes);
    s.push_str("</div>\n</section>\n");
}

fn list(s: &mut String, id: &str, class: &str, items: &[String]) {
    let hidden = if items.is_empty() { " hidden" } else { "" };
    let _ = write!(s, "<ul id=\"{id}\" class=\"{class}\"{hidden}>");
    for t in items {
        let _ = write!(s, "<li>{}</li>", esc(t));
    }
    s.push_str("</ul>\n");
}

fn table(s: &mut String, c: &Ctx, ev: &[[Vec<(usize, String)>; 6]], k: usize) {
    let names = c.names();
    let [v, d, a] = names.columns();
    s.push_str(
        "<section class=\"table\" aria-labelledby=\"table-h\">\n<h2 id=\"table-h\">Table</h2>\n",
    );
    s.push_str("<div class=\"scroll\"><table>\n<caption>One row per operation, in evaluation order; a cell fills when its sweep reaches it.</caption>\n");
    let _ = writeln!(
        s,
        "<thead><tr><th scope=\"col\">row</th><th scope=\"col\">name</th><th scope=\"col\">operation</th><th scope=\"col\" class=\"n\">{}</th><th scope=\"col\" class=\"n\">{}</th><th scope=\"col\" class=\"n\">{}</th><th scope=\"col\">note</th></tr></thead>\n<tbody>",
        esc(&names.out(v)),
        esc(&names.out(d)),
        esc(&names.out(a))
    );
    for (i, cells) in ev.iter().enumerate() {
        let name = match c.trace.name(i) {
            Some(n) if names.style.ascii => crate::core::notation::ascii_name(n),
            Some(n) => n.to_string(),
            None => String::new(),
        };
        let _ = write!(
            s,
            "<tr id=\"r{i}\"><th scope=\"row\">{}</th><td>{}</td><td class=\"m\">{}</td>",
            esc(&names.label(i)),
            esc(&name),
            esc(&c.ex.op_text(i))
        );
        for (kind, events) in KINDS.iter().zip(cells).take(4) {
            let class = if *kind == "w" { "note" } else { "n" };
            let _ = write!(
                s,
                "<td id=\"{kind}{i}\" class=\"{class}\">{}</td>",
                esc(text_at(events, k))
            );
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table></div>\n</section>\n");
}

/// The results, shown once the last step is done (the page never gives an
/// answer away before its sweep reaches it).
fn summary(s: &mut String, c: &Ctx, k: usize) {
    let lines = super::table::summary(c, true);
    let hidden = if k < c.schedule.last() { " hidden" } else { "" };
    let _ = writeln!(
        s,
        "<section id=\"summary\" class=\"summary\" aria-labelledby=\"summary-h\"{hidden}>\n<h2 id=\"summary-h\">Result</h2>\n<pre class=\"m\">{}</pre>\n</section>",
        esc(&lines.join("\n"))
    );
}

/// The graph as SVG, placed by `core::layout` on a grid of cells.
fn svg(s: &mut String, c: &Ctx, ev: &[[Vec<(usize, String)>; 6]], k: usize) {
    let trace = c.trace;
    let names = c.names();
    let titles: Vec<String> = (0..trace.len())
        .map(|i| {
            let def = names.text(&c.ex.definition(i));
            let t = match trace.name(i) {
                Some(_) => format!("{}  {def}", names.label(i)),
                None => def,
            };
            cut(&t, BOX_TEXT)
        })
        .collect();
    let specs: Vec<NodeSpec> = trace
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let widest = ev[i][4..]
                .iter()
                .flatten()
                .map(|(_, t)| cells_width(t))
                .chain([cells_width(&titles[i])])
                .max()
                .unwrap_or(1);
            NodeSpec {
                width: (widest + 2) as u16,
                height: BOX_ROWS,
                preds: node.row_args().map(|r| r as usize).collect(),
            }
        })
        .collect();
    let lay = layout::layout(&specs);
    let (w, h) = (f64::from(lay.width) * CW, f64::from(lay.height) * CH);
    let _ = writeln!(
        s,
        "<section class=\"graph\" aria-labelledby=\"graph-h\">\n<h2 id=\"graph-h\">Graph</h2>\n<div class=\"scroll\">\n<svg id=\"graph\" class=\"phase-forward\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"-4 -4 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-labelledby=\"graph-h graph-desc\">",
        w + 8.0,
        h + 8.0,
        w + 8.0,
        h + 8.0
    );
    let _ = writeln!(
        s,
        "<desc id=\"graph-desc\">The computational graph: {} rows, inputs at the top, each edge from an operand to the row that uses it.</desc>",
        trace.len()
    );
    s.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>\n");
    for e in &lay.edges {
        let pts = polyline(&e.cells);
        let _ = writeln!(
            s,
            "<g class=\"edge from-{} to-{}\"><title>{}</title><polyline points=\"{pts}\"/></g>",
            e.from,
            e.to,
            esc(&names.partial(e.to, e.from))
        );
    }
    for (i, p) in lay.nodes.iter().enumerate() {
        let node = &trace.nodes[i];
        let mut class = String::from("node");
        if !node.reaches_output {
            class.push_str(" unused");
        }
        if trace.outputs().contains(&i) {
            class.push_str(" output");
        }
        if c.sweep.warnings_at(i).next().is_some() {
            class.push_str(" warn");
        }
        let (x, y) = (f64::from(p.x) * CW, f64::from(p.y) * CH);
        let (bw, bh) = (f64::from(p.w) * CW, f64::from(p.h) * CH);
        let _ = write!(
            s,
            "<g id=\"n{i}\" class=\"{class}\"><rect x=\"{x}\" y=\"{y}\" width=\"{bw}\" height=\"{bh}\" rx=\"4\"/>"
        );
        if trace.outputs().contains(&i) {
            let _ = write!(
                s,
                "<rect class=\"inner\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/>",
                x + 3.0,
                y + 3.0,
                bw - 6.0,
                bh - 6.0
            );
        }
        let tx = x + CW;
        let line = |l: u16| y + f64::from(l) * CH + 13.0;
        let _ = writeln!(
            s,
            "<text class=\"title\" x=\"{tx}\" y=\"{}\">{}</text><text id=\"gv{i}\" x=\"{tx}\" y=\"{}\">{}</text><text id=\"gd{i}\" x=\"{tx}\" y=\"{}\">{}</text></g>",
            line(1),
            esc(&titles[i]),
            line(2),
            esc(text_at(&ev[i][4], k)),
            line(3),
            esc(text_at(&ev[i][5], k)),
        );
    }
    s.push_str("</svg>\n</div>\n");
    s.push_str("<ul class=\"legend\"><li><span class=\"key output\"></span>double border: an output</li><li><span class=\"key unused\"></span>dashed: not used by the output</li><li><span class=\"key warn\"></span>orange border: a warning</li><li><span class=\"key active\"></span>highlighted: the step's row and the edges its rule reads</li><li>? : not computed yet</li></ul>\n");
    s.push_str("</section>\n");
}

/// An edge's cells as SVG points: from the source box's bottom through the
/// cells' centres to the target box's top, corners only.
fn polyline(cells: &[(u16, u16, u8)]) -> String {
    let centre = |(x, y): (u16, u16)| ((f64::from(x) + 0.5) * CW, (f64::from(y) + 0.5) * CH);
    let mut pts: Vec<(f64, f64)> = Vec::with_capacity(cells.len() + 2);
    if let (Some(&(x0, y0, _)), Some(&(xn, yn, _))) = (cells.first(), cells.last()) {
        pts.push((centre((x0, y0)).0, f64::from(y0) * CH));
        pts.extend(cells.iter().map(|&(x, y, _)| centre((x, y))));
        pts.push((centre((xn, yn)).0, f64::from(yn + 1) * CH));
    }
    // Keep the corners: drop a point on the line between its neighbours.
    let mut kept: Vec<(f64, f64)> = Vec::with_capacity(pts.len());
    for p in pts {
        if kept.len() >= 2 {
            let a = kept[kept.len() - 2];
            let b = kept[kept.len() - 1];
            if (a.0 == b.0 && b.0 == p.0) || (a.1 == b.1 && b.1 == p.1) {
                kept.pop();
            }
        }
        kept.push(p);
    }
    kept.iter()
        .map(|(x, y)| format!("{x},{y}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A JSON string inside the page's `<script>`: `<` as `\u003c`, so no
/// text can end the script element.
fn push_json(out: &mut String, text: &str) {
    let start = out.len();
    super::json::push_string(out, text);
    if out[start..].contains('<') {
        let safe = out[start..].replace('<', "\\u003c");
        out.truncate(start);
        out.push_str(&safe);
    }
}

/// One step's entry of the page's data.
fn step_json(j: &mut String, e: &Explained) {
    let _ = write!(
        j,
        "{{\"row\":{},\"phase\":\"{}\"",
        e.step.row,
        e.step.phase.name()
    );
    let texts = [
        ("position", Some(e.position.as_str())),
        ("place", Some(&e.place)),
        ("rule", Some(&e.rule)),
        ("value", e.value.as_deref()),
        ("what", Some(e.what)),
        ("update", Some(&e.update)),
        ("numbers", Some(&e.numbers)),
        ("fanout", e.fanout.as_deref()),
    ];
    for (key, text) in texts {
        let _ = write!(j, ",\"{key}\":");
        match text {
            Some(t) => push_json(j, t),
            None => j.push_str("null"),
        }
    }
    for (key, list) in [("terms", &e.terms), ("notes", &e.notes)] {
        let _ = write!(j, ",\"{key}\":[");
        for (k, t) in list.iter().enumerate() {
            if k > 0 {
                j.push(',');
            }
            push_json(j, t);
        }
        j.push(']');
    }
    j.push('}');
}

/// The steps and the cells' events as JSON, inside a script element (so
/// `<` is written `\u003c`: no text can close the element).
fn data(
    out: &mut dyn std::io::Write,
    c: &Ctx,
    ev: &[[Vec<(usize, String)>; 6]],
    start: usize,
    graph: bool,
) -> std::io::Result<()> {
    write!(
        out,
        "<script type=\"application/json\" id=\"adtrace-data\">\n{{\"start\":{start},\"last\":{},\"steps\":[",
        c.schedule.last()
    )?;
    // What the threads share: nothing with a cache of its own.
    let (names, shown, consumers) = (*c.names(), c.shown(), c.ex.consumers());
    for (seg, own, steps) in c.segments_shown() {
        let sw = own.as_ref().unwrap_or(c.sweep);
        let title = segment_title(c, &seg);
        par::in_order(
            steps.len(),
            || Explainer::new(c.trace, sw, names).with_consumers(consumers),
            |ex, j, i| {
                let Some(st) = shown.schedule.step(steps.start + i) else {
                    return;
                };
                if st.index > 0 {
                    j.push_str(",\n");
                }
                let seeded = ex_seeded(&shown, &seg, st.row);
                step_json(j, &explained(&shown, &title, ex, seeded, st));
            },
            |text| out.write_all(text.as_bytes()),
        )?;
    }
    let mut j = String::from("],\n\"cells\":{");
    let mut first = true;
    for (i, cells) in ev.iter().enumerate() {
        for (kind, events) in KINDS.iter().zip(cells) {
            if !graph && kind.starts_with('g') {
                continue;
            }
            if !first {
                j.push(',');
            }
            first = false;
            let _ = write!(j, "\n\"{kind}{i}\":[");
            for (n, (k, t)) in events.iter().enumerate() {
                if n > 0 {
                    j.push(',');
                }
                let _ = write!(j, "[{k},");
                push_json(&mut j, t);
                j.push(']');
            }
            j.push(']');
        }
        if j.len() >= 1 << 16 {
            out.write_all(j.as_bytes())?;
            j.clear();
        }
    }
    j.push_str("}}\n</script>\n");
    out.write_all(j.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn cuts_by_cells() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("損失損失", 5), "損失…");
        assert_eq!(cut("abc", 3), "abc");
    }

    #[test]
    fn polyline_keeps_corners() {
        // down two cells, right two, down one
        let cells = [(1, 5, 0), (1, 6, 0), (2, 6, 0), (3, 6, 0), (3, 7, 16)];
        let p = polyline(&cells);
        assert_eq!(p, "13.5,90 13.5,117 31.5,117 31.5,144");
    }

    #[test]
    fn events_change_at_the_rows_step() {
        let ev = [(0, String::new()), (3, "1.000".to_string())];
        assert_eq!(text_at(&ev, 2), "");
        assert_eq!(text_at(&ev, 3), "1.000");
        assert_eq!(text_at(&ev, 9), "1.000");
    }
}
