//! Groups in the stepping view: a program with vectors and matrices is
//! lowered to scalar rows, each remembering its statement (its group). The
//! table shows a header line before each group's rows; the graph can fold
//! every group but the current row's into one box (`g`).
//!
//! Owns the table's line mapping (row ⇄ display line, computed once per
//! trace, so scrolling and hit tests agree with what is drawn), the texts
//! naming a group (`z = sigmoid(W*x + b): 2-vector`), and the folded
//! graphs: units (a row, or a run of a group's rows), deduplicated edges
//! between them and their layout, made when the current row enters another
//! group and kept per open group. Must not compute numbers or draw.

use std::rc::Rc;

use crate::core::layout::{self, Layout, NodeSpec};
use crate::core::notation::{accent, fixed};
use crate::core::sweep::Sweep;
use crate::core::trace::{Group, GroupKind, RowGroup, Trace, shape_text};
use crate::tui::model::{BOX_HEIGHT, MAX_TEXT, Model, cut_words, whole_words, width};

/// What a line of the table shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableLine {
    Row(usize),
    /// The header of a group (its index in `trace.groups`).
    Header(u32),
}

/// The table's lines: the rows, with a header line before the first row of
/// each run of a group's rows. Stored as the header positions only, so a
/// scalar program (no groups) costs nothing and a million rows a few
/// headers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableLines {
    rows: usize,
    /// (first row of the run, group), in row order.
    headers: Vec<(u32, u32)>,
}

impl TableLines {
    pub fn new(trace: &Trace) -> TableLines {
        let mut headers = Vec::new();
        let mut prev = RowGroup::NONE;
        for (r, g) in trace.row_group.iter().enumerate() {
            if g.group != prev && g.group != RowGroup::NONE {
                headers.push((r as u32, g.group));
            }
            prev = g.group;
        }
        TableLines {
            rows: trace.len(),
            headers,
        }
    }

    /// Lines in all: rows and headers.
    pub fn count(&self) -> usize {
        self.rows + self.headers.len()
    }

    /// The display line of a row.
    pub fn line_of(&self, row: usize) -> usize {
        row + self.headers.partition_point(|&(r, _)| r as usize <= row)
    }

    /// What display line `line` shows.
    pub fn at(&self, line: usize) -> Option<TableLine> {
        // Header k sits at line first_row + k, increasing in k: the first
        // header at or below `line`, by bisection.
        let (mut k, mut hi) = (0, self.headers.len());
        while k < hi {
            let mid = (k + hi) / 2;
            if self.headers[mid].0 as usize + mid < line {
                k = mid + 1;
            } else {
                hi = mid;
            }
        }
        if let Some(&(r, g)) = self.headers.get(k)
            && r as usize + k == line
        {
            return Some(TableLine::Header(g));
        }
        let row = line - k;
        (row < self.rows).then_some(TableLine::Row(row))
    }
}

/// `scalar`, `2-vector`, `2×2`.
pub fn group_shape(g: &Group) -> String {
    if g.rows == 1 && g.cols == 1 {
        "scalar".to_string()
    } else {
        shape_text(g.rows, g.cols)
    }
}

/// The source text of a group's expression, on one line.
fn source_of(source: &str, g: &Group) -> Option<String> {
    let text = source.get(g.span.start as usize..g.span.end as usize)?;
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A group's header in the table, in at most `max` columns:
/// `z = sigmoid(W*x + b): 2-vector`, `x: 2-vector input`, `f: 3 outputs`.
/// A long expression is cut after a whole word (`z = sigmoid(W2*x …:
/// 2-vector`), so the name and the shape always show.
pub fn group_title(source: &str, g: &Group, max: usize) -> String {
    let shape = group_shape(g);
    let (head, expr, tail) = match g.kind {
        GroupKind::Input => (
            String::new(),
            String::new(),
            format!("{}: {shape} input", g.name),
        ),
        GroupKind::Output => {
            let n = g.rows as usize * g.cols as usize;
            let tail = if g.name.is_empty() {
                format!("the {n} outputs")
            } else {
                format!("{}: {n} outputs", g.name)
            };
            (String::new(), String::new(), tail)
        }
        GroupKind::Statement | GroupKind::Call => {
            let expr = source_of(source, g).unwrap_or_default();
            let head = match (g.name.is_empty(), g.kind) {
                (false, GroupKind::Statement) => format!("{} = ", g.name),
                _ => String::new(),
            };
            (head, expr, format!(": {shape}"))
        }
    };
    let full = format!("{head}{expr}{tail}");
    if width(&full) <= max || expr.is_empty() {
        return cut_words(&full, max);
    }
    let room = max.saturating_sub(width(&head) + width(&tail));
    match whole_words(&expr, room) {
        Some(cut) => format!("{head}{cut}{tail}"),
        None => {
            // No room for the expression: the name and the shape.
            let name = head.trim_end_matches(" = ");
            cut_words(&format!("{name}{tail}"), max)
        }
    }
}

/// A node of the (folded) graph: one row, or a run of a group's rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Row(usize),
    Group {
        group: u32,
        first: usize,
        last: usize,
    },
}

impl Unit {
    pub fn rows(self) -> std::ops::RangeInclusive<usize> {
        match self {
            Unit::Row(r) => r..=r,
            Unit::Group { first, last, .. } => first..=last,
        }
    }
}

/// The graph with every group but `open` folded into one box per run.
#[derive(Clone, Debug, PartialEq)]
pub struct Folded {
    /// The group drawn row by row (the current row's), if any.
    pub open: Option<u32>,
    pub units: Vec<Unit>,
    /// The unit of each row.
    pub node_of_row: Vec<u32>,
    pub layout: Layout,
}

/// A folded box's title: `z  2-vector`; the outputs' group `f  3 outputs`
/// (so that it reads apart from its statement's other rows).
pub fn fold_title(g: &Group) -> String {
    let name = if g.name.is_empty() {
        "outputs"
    } else {
        &g.name
    };
    if g.kind == GroupKind::Output {
        let n = g.rows as usize * g.cols as usize;
        return format!("{name}  {n} outputs");
    }
    format!("{name}  {}", group_shape(g))
}

/// The rows standing for a group's entries, in entry order: those with an
/// index, or for a scalar statement its last row.
fn entries(trace: &Trace, rows: std::ops::RangeInclusive<usize>) -> Vec<usize> {
    let last = *rows.end();
    let mut entries: Vec<(u32, usize)> = rows
        .filter_map(|r| {
            let g = trace.row_group.get(r)?;
            (g.index != RowGroup::NONE).then_some((g.index, r))
        })
        .collect();
    entries.sort_unstable();
    if entries.is_empty() {
        let scalar = trace
            .row_group
            .get(last)
            .and_then(|g| trace.groups.get(g.group as usize))
            .is_some_and(|g| g.rows == 1 && g.cols == 1);
        return if scalar { vec![last] } else { Vec::new() };
    }
    entries.into_iter().map(|(_, r)| r).collect()
}

/// The entries' numbers (`(0.4990, 0.9303)`, or one number), cut at an
/// entry (with …, `...` in ASCII) to `max` columns.
fn entry_numbers(rows: &[usize], of: &[f64], precision: usize, max: usize, ascii: bool) -> String {
    let more = if ascii { "..." } else { "…" };
    let nums: Vec<String> = rows
        .iter()
        .map(|&r| fixed(of.get(r).copied().unwrap_or(f64::NAN), precision))
        .collect();
    match nums.as_slice() {
        [] => return String::new(),
        [one] => return one.clone(),
        _ => {}
    }
    let full = format!("({})", nums.join(", "));
    if width(&full) <= max {
        return full;
    }
    let mut out = String::from("(");
    for (k, n) in nums.iter().enumerate() {
        let sep = if k == 0 { "" } else { ", " };
        if width(&out) + width(sep) + width(n) + width(more) + 3 > max {
            if k > 0 {
                out.push_str(", ");
            }
            out.push_str(more);
            out.push(')');
            return out;
        }
        out.push_str(sep);
        out.push_str(n);
    }
    out.push(')');
    out
}

/// A folded box's first line: the entries' values, `(0.4990, 0.9303)`,
/// cut at an entry (with …) to `max` columns.
pub fn fold_values(
    trace: &Trace,
    s: &Sweep,
    rows: std::ops::RangeInclusive<usize>,
    precision: usize,
    max: usize,
    ascii: bool,
) -> String {
    entry_numbers(&entries(trace, rows), &s.value, precision, max, ascii)
}

/// A folded box's second line in the reverse sweep: the entries'
/// adjoints, `z̄ = (-1.002, 1.861)` (`bar(z) = …` in ASCII).
pub fn fold_adjoints(
    trace: &Trace,
    s: &Sweep,
    rows: std::ops::RangeInclusive<usize>,
    precision: usize,
    max: usize,
    ascii: bool,
) -> String {
    let e = entries(trace, rows);
    let Some(g) = e
        .first()
        .and_then(|&r| trace.row_group.get(r))
        .and_then(|g| trace.groups.get(g.group as usize))
    else {
        return String::new();
    };
    let name = if g.name.is_empty() { "y" } else { &g.name };
    let bar = if ascii {
        format!("bar({name})")
    } else {
        accent(name, '\u{304}')
    };
    let head = format!("{bar} = ");
    let nums = entry_numbers(
        &e,
        &s.adjoint,
        precision,
        max.saturating_sub(width(&head)),
        ascii,
    );
    format!("{head}{nums}")
}

/// The first entry row of a run (the last its reverse sweep reaches).
pub fn first_entry(trace: &Trace, rows: std::ops::RangeInclusive<usize>) -> Option<usize> {
    entries(trace, rows).into_iter().min()
}

/// A folded box's second line: `20 rows`.
pub fn fold_rows(unit: Unit) -> String {
    let n = unit.rows().count();
    if n == 1 {
        "1 row".to_string()
    } else {
        format!("{n} rows")
    }
}

impl Folded {
    /// Fold the runs of every group but `open`; `specs` are the rows'
    /// boxes (kept for the rows drawn one by one).
    pub fn new(
        trace: &Trace,
        specs: &[NodeSpec],
        open: Option<u32>,
        s: &Sweep,
        precision: usize,
    ) -> Folded {
        let n = trace.len();
        let mut units: Vec<Unit> = Vec::new();
        let mut node_of_row = vec![0u32; n];
        for (r, slot) in node_of_row.iter_mut().enumerate() {
            let g = trace.row_group.get(r).map_or(RowGroup::NONE, |g| g.group);
            let foldable = g != RowGroup::NONE && Some(g) != open;
            match units.last_mut() {
                Some(Unit::Group { group, last, .. })
                    if foldable && *group == g && *last + 1 == r =>
                {
                    *last = r;
                }
                _ => units.push(if foldable {
                    Unit::Group {
                        group: g,
                        first: r,
                        last: r,
                    }
                } else {
                    Unit::Row(r)
                }),
            }
            *slot = (units.len() - 1) as u32;
        }
        // Units are runs of consecutive rows, so every edge goes from an
        // earlier unit to a later one: the folded graph is a DAG in order.
        let mut fspecs = Vec::with_capacity(units.len());
        for (u, unit) in units.iter().enumerate() {
            let mut preds: Vec<usize> = unit
                .rows()
                .flat_map(|r| trace.nodes[r].row_args())
                .map(|p| node_of_row[p as usize] as usize)
                .filter(|&p| p != u)
                .collect();
            preds.sort_unstable();
            preds.dedup();
            let w = match *unit {
                Unit::Row(r) => specs.get(r).map_or(8, |sp| sp.width),
                Unit::Group { group, .. } => {
                    let g = &trace.groups[group as usize];
                    let text = width(&fold_title(g))
                        .max(width(&fold_values(
                            trace,
                            s,
                            unit.rows(),
                            precision,
                            MAX_TEXT,
                            false,
                        )))
                        .max(width(&fold_adjoints(
                            trace,
                            s,
                            unit.rows(),
                            precision,
                            MAX_TEXT,
                            false,
                        )))
                        .max(width(&fold_rows(*unit)));
                    (text.min(MAX_TEXT) + 2) as u16
                }
            };
            fspecs.push(NodeSpec {
                width: w,
                height: BOX_HEIGHT,
                preds,
            });
        }
        Folded {
            open,
            units,
            node_of_row,
            layout: layout::layout(&fspecs),
        }
    }
}

/// The DAG the graph pane draws: the rows' layout, or a folded one.
#[derive(Clone, Copy)]
pub struct Dag<'a> {
    pub layout: &'a Layout,
    pub fold: Option<&'a Folded>,
}

impl Dag<'_> {
    /// What node `k` of the layout draws.
    pub fn unit(&self, k: usize) -> Unit {
        match self.fold {
            Some(f) => f.units.get(k).copied().unwrap_or(Unit::Row(k)),
            None => Unit::Row(k),
        }
    }

    /// The layout node drawing `row`.
    pub fn node_of(&self, row: usize) -> usize {
        match self.fold {
            Some(f) => f.node_of_row.get(row).map_or(row, |&u| u as usize),
            None => row,
        }
    }
}

impl Model {
    /// The DAG the graph pane shows (folded when `g` is on), if the trace
    /// is small enough for boxes.
    pub(crate) fn dag(&self) -> Option<Dag<'_>> {
        match &self.folded {
            Some(f) => Some(Dag {
                layout: &f.layout,
                fold: Some(f),
            }),
            None => self
                .derived
                .layout
                .as_ref()
                .map(|layout| Dag { layout, fold: None }),
        }
    }

    /// The table's lines (rows and group headers).
    pub fn table_lines(&self) -> &TableLines {
        &self.derived.lines
    }

    /// Whether the graph folds groups.
    pub fn folding(&self) -> bool {
        self.fold
    }

    /// `g`: fold the groups other than the current row's (or unfold).
    pub fn toggle_fold(&mut self) {
        if self.trace().groups.is_empty() {
            self.status = Some("no vectors or matrices here: nothing to fold".to_string());
            return;
        }
        if self.derived.layout.is_none() {
            self.status =
                Some("folding groups applies to the boxes; this trace has only lanes".to_string());
            return;
        }
        self.fold = !self.fold;
        self.graph_pan = None;
        self.sync_fold();
        self.status = Some(if self.fold {
            "groups folded: the current row's group is drawn row by row".to_string()
        } else {
            "groups unfolded: one box per row".to_string()
        });
    }

    /// Make the folded graph the current row's (laid out once per open
    /// group, then kept).
    pub(crate) fn sync_fold(&mut self) {
        if !self.fold || self.derived.layout.is_none() || self.trace().groups.is_empty() {
            self.folded = None;
            return;
        }
        let open = self
            .current()
            .and_then(|st| self.trace().row_group.get(st.row))
            .map(|g| g.group)
            .filter(|&g| g != RowGroup::NONE);
        if self.folded.as_ref().is_some_and(|f| f.open == open) {
            return;
        }
        if let Some(f) = self.derived.folds.iter().find(|f| f.open == open) {
            self.folded = Some(f.clone());
            return;
        }
        let f = Rc::new(Folded::new(
            &self.traced.trace,
            &self.derived.specs,
            open,
            &self.sweep,
            self.opts.style.precision,
        ));
        self.derived.folds.push(f.clone());
        self.folded = Some(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pipeline;
    use crate::tui::TuiOptions;

    const MLP: &str = "W1 = [[1,2],[3,4]]; b1 = [0.5,-1]; W2 = [[1,-1],[2,0.5]]; b2 = [0, 0.1]; z = sigmoid(W2*sigmoid(W1*x + b1) + b2); L = sum((z - [1, 0]).^2) at x = [1, 2]";

    fn model(src: &str) -> Model {
        let t = pipeline::trace_at(src, "", false, None).unwrap();
        let p = t.point(None).unwrap();
        let s = t.seed(&pipeline::SeedSpec::First).unwrap();
        Model::new(t, p, s, TuiOptions::default())
    }

    #[test]
    fn lines_map_rows_and_headers_both_ways() {
        let m = model(MLP);
        let l = m.table_lines();
        let n = m.trace().len();
        assert_eq!(l.count(), n + 3, "x, z and L have headers");
        assert_eq!(l.at(0), Some(TableLine::Header(0)));
        for r in 0..n {
            assert_eq!(l.at(l.line_of(r)), Some(TableLine::Row(r)), "row {r}");
        }
        assert_eq!(l.at(l.count()), None);
        let titles: Vec<String> = (0..l.count())
            .filter_map(|k| match l.at(k) {
                Some(TableLine::Header(g)) => Some(group_title(
                    &m.traced.source,
                    &m.trace().groups[g as usize],
                    80,
                )),
                _ => None,
            })
            .collect();
        assert_eq!(
            titles,
            [
                "x: 2-vector input",
                "z = sigmoid(W2*sigmoid(W1*x + b1) + b2): 2-vector",
                "L = sum((z - [1, 0]).^2): scalar"
            ]
        );
        let z = &m.trace().groups[1];
        assert_eq!(
            group_title(&m.traced.source, z, 40),
            "z = sigmoid(W2*sigmoid(W1*x +…: 2-vector"
        );
        assert_eq!(group_title(&m.traced.source, z, 30), "z: 2-vector");
        // a scalar program has no headers
        let s = model("sin(x) at x = 1");
        assert_eq!(s.table_lines().count(), 2);
        assert_eq!(s.table_lines().line_of(1), 1);
    }

    #[test]
    fn folding_keeps_the_current_group_open() {
        let mut m = model(MLP);
        assert!(m.folding(), "a program with vectors starts folded");
        let z_row = m.trace().names().position(|n| n == Some("z[1]")).unwrap();
        m.set_step(z_row);
        let dag = m.dag().unwrap();
        let f = dag.fold.unwrap();
        // x folded (one box), z's rows one by one, L folded
        assert!(matches!(
            f.units[0],
            Unit::Group {
                first: 0,
                last: 1,
                ..
            }
        ));
        assert_eq!(dag.unit(dag.node_of(z_row)), Unit::Row(z_row));
        assert!(matches!(f.units.last(), Some(Unit::Group { .. })));
        assert_eq!(f.layout.nodes.len(), f.units.len());
        // edges between folded units are deduplicated
        let mut e: Vec<(usize, usize)> = f.layout.edges.iter().map(|e| (e.from, e.to)).collect();
        let len = e.len();
        e.sort_unstable();
        e.dedup();
        assert_eq!(e.len(), len);
        // moving into L lays out another fold, kept for later
        let last = m.trace().len() - 1;
        m.set_step(last);
        assert_eq!(m.dag().unwrap().fold.unwrap().units.len(), 3 + 5 - 1);
        m.set_step(z_row);
        assert_eq!(m.derived.folds.len(), 3, "x (at step 0), z and L");
        m.toggle_fold();
        assert!(!m.folding() && m.dag().unwrap().fold.is_none());
    }

    #[test]
    fn fold_texts() {
        let m = model(MLP);
        let z = m
            .trace()
            .groups
            .iter()
            .position(|g| &*g.name == "z")
            .unwrap();
        assert_eq!(fold_title(&m.trace().groups[z]), "z  2-vector");
        let rows = m
            .trace()
            .row_group
            .iter()
            .enumerate()
            .filter(|(_, g)| g.group == z as u32)
            .map(|(r, _)| r);
        let (first, last) = (rows.clone().min().unwrap(), rows.max().unwrap());
        assert_eq!(
            fold_values(m.trace(), m.sweep(), first..=last, 4, 28, false),
            "(0.4990, 0.9303)"
        );
        assert_eq!(
            fold_values(m.trace(), m.sweep(), first..=last, 4, 12, false),
            "(0.4990, …)"
        );
        assert_eq!(
            fold_adjoints(m.trace(), m.sweep(), first..=last, 4, 28, false),
            "z\u{304} = (-1.002, 1.861)"
        );
        let l = m.trace().len() - 1;
        let lg = m.trace().row_group[l].group as usize;
        assert_eq!(fold_title(&m.trace().groups[lg]), "L  scalar");
        assert_eq!(
            fold_values(m.trace(), m.sweep(), l - 4..=l, 4, 28, false),
            "1.117"
        );
    }
}
