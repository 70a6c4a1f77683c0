//! The graph pane: the trace as a layered DAG (a box per row, arrows along
//! the edges, painted cell by cell from `layout`), or for large traces as
//! lanes (one line per row, aligned with the table, each value a vertical
//! lane down to its last use).
//!
//! Owns the viewport (following the current row, or the user's pan) and
//! which edges are highlighted: in the forward sweep those feeding the
//! current row, in the reverse sweep those carrying adjoint contributions
//! into it, labelled with the local partial from the explainer. With `g`
//! the DAG is the folded one (`groups::Folded`: a box per group but the
//! current row's). Draws only the visible cells. Must not compute numbers
//! or lay out the graph.

use std::borrow::Cow;

use ratatui::layout::{Position, Rect};

mod dag;
mod lanes;

pub use dag::render_dag;
pub use lanes::render_lanes;

use crate::core::layout::{self, Layout};
use crate::tui::groups::{Dag, Folded, TableLine, Unit};
use crate::tui::model::Model;
use crate::tui::view::Panes;
use crate::tui::widgets::width;

/// How the DAG's nodes are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A bordered box: the title in the border, two lines inside.
    Boxes,
    /// No border: a marker and the title, then `rows - 1` line of numbers.
    Compact { rows: u16 },
}

/// The node style for a pane whose inside is `w`×`h` cells and its layout:
/// the boxes when their graph fits, else the two-row compact graph, else
/// the one-row one (the whole graph at projector sizes), else the compact
/// graph cut into columns as tall as the pane (a deep graph, like a long
/// chain, in a wide short pane). When none fits both ways, the first that
/// fits the height (the pane follows the current row sideways). The folded
/// graph is always boxes. Depends only on the trace and the pane, so the
/// nodes stay put while stepping.
pub fn shape_for(m: &Model, w: u16, h: u16) -> Option<(Cow<'_, Layout>, Shape)> {
    if m.folding() {
        return Some((Cow::Borrowed(m.dag()?.layout), Shape::Boxes));
    }
    let shapes = [
        (Shape::Boxes, m.graph_layout()),
        (Shape::Compact { rows: 2 }, m.derived.compact[1].as_ref()),
        (Shape::Compact { rows: 1 }, m.derived.compact[0].as_ref()),
    ];
    // A compact graph needs one more column: the marker left of a node.
    let fits = |s: Shape, l: &Layout, w: u16| {
        l.width.saturating_add(u16::from(s != Shape::Boxes)) <= w && l.height <= h
    };
    if let Some(&(s, Some(l))) = shapes
        .iter()
        .find(|&&(s, l)| l.is_some_and(|l| fits(s, l, w)))
    {
        return Some((Cow::Borrowed(l), s));
    }
    let columns: Vec<(Shape, Layout)> = shapes[1..]
        .iter()
        .filter_map(|&(s, l)| {
            let l = l?;
            // Room right of a column for the partials written beside its
            // arrows (which leave from the nodes' middle).
            let half = l.nodes.iter().map(|p| p.w / 2).max().unwrap_or(0);
            let gap = label_room(m).saturating_sub(half);
            Some((s, layout::wrap(l, h, gap)?))
        })
        .collect();
    if let Some(k) = columns.iter().position(|(s, l)| fits(*s, l, w)) {
        let (s, l) = columns.into_iter().nth(k)?;
        return Some((Cow::Owned(l), s));
    }
    if let Some(&(s, Some(l))) = shapes
        .iter()
        .find(|&&(s, l)| l.is_some_and(|l| fits(s, l, u16::MAX)))
    {
        return Some((Cow::Borrowed(l), s));
    }
    // Too narrow for the columns too: the narrowest, scrolled sideways.
    if let Some((s, l)) = columns.into_iter().min_by_key(|(_, l)| l.width) {
        return Some((Cow::Owned(l), s));
    }
    let l = m.derived.compact[0].as_ref().or(m.graph_layout())?;
    Some((Cow::Borrowed(l), Shape::Compact { rows: 1 }))
}

/// Columns the widest edge label of the reverse sweep (`∂c/∂a=2.718`) takes.
fn label_room(m: &Model) -> u16 {
    let (ex, s) = (m.explainer(), m.numbers());
    let t = m.trace();
    let mut room = 0;
    for (i, node) in t.nodes.iter().enumerate() {
        let num = s.partial.get(i).map_or(0, |p| {
            p.iter()
                .map(|&v| width(&ex.names.num(v)))
                .max()
                .unwrap_or(0)
        });
        for p in node.row_args() {
            let sym = width(&ex.names.out(ex.names.partial(i, p as usize)));
            room = room.max(sym + 1 + num);
        }
    }
    u16::try_from(room).unwrap_or(u16::MAX)
}

/// The graph pane's width for a pane `h` rows tall and at most `max_w`
/// wide: that of the node style whose graph fits (see `shape_for`), with
/// its border and a margin; `None` when there is no DAG.
pub fn wanted_width(m: &Model, max_w: u16, h: u16) -> Option<u16> {
    m.dag()?;
    let (w, h) = (max_w.saturating_sub(4), h.saturating_sub(2));
    // Folded, the unfolded boxes' width: folding (which follows the current
    // row's group) never moves the panes.
    let width = if m.folding() {
        m.graph_layout()?.width
    } else {
        shape_for(m, w, h)?.0.width
    };
    Some(width.saturating_add(5))
}

/// The DAG as the pane draws it: its layout (the model's, or the compact
/// one cut into columns) and the folded groups, if any.
pub struct Drawn<'a> {
    pub layout: Cow<'a, Layout>,
    fold: Option<&'a Folded>,
}

impl Drawn<'_> {
    fn dag(&self) -> Dag<'_> {
        Dag {
            layout: &self.layout,
            fold: self.fold,
        }
    }

    /// What node `k` of the layout draws.
    pub fn unit(&self, k: usize) -> Unit {
        self.dag().unit(k)
    }

    /// The layout node drawing `row`.
    pub fn node_of(&self, row: usize) -> usize {
        self.dag().node_of(row)
    }
}

/// The DAG drawn in a pane and how: the compact layout replaces the boxes'
/// when the pane is too small for them.
pub fn dag_in(m: &Model, area: Rect) -> Option<(Drawn<'_>, Shape)> {
    let fold = m.dag()?.fold;
    let inn = inner(area);
    let (layout, shape) = shape_for(m, inn.width, inn.height)?;
    let fold = if shape == Shape::Boxes { fold } else { None };
    Some((Drawn { layout, fold }, shape))
}

/// The pane's inside (without its border).
fn inner(area: Rect) -> Rect {
    Rect {
        x: area.x.saturating_add(1),
        y: area.y.saturating_add(1),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    }
}

/// The canvas cell shown at the pane's top-left corner: the user's pan, or
/// one that keeps the current row in view (centred on it when the canvas
/// is larger than the pane; a canvas narrower than the pane is centred).
pub fn offset(m: &Model, area: Rect) -> (i32, i32) {
    let inn = inner(area);
    let (vw, vh) = (i32::from(inn.width), i32::from(inn.height));
    if m.lane_view() {
        let cw = i32::try_from(m.derived.lanes.width.saturating_mul(2)).unwrap_or(i32::MAX);
        if let Some((x, _)) = m.graph_pan {
            return (x.clamp(0, (cw - vw).max(0)), 0);
        }
        let row = m.current().map_or(0, |s| s.row);
        let c = m.derived.lanes.col.get(row).map_or(0, |&c| c as i32 * 2);
        return (follow(c, 1, vw, cw), 0);
    }
    let Some((dag, shape)) = dag_in(m, area) else {
        return (0, 0);
    };
    let lay = &dag.layout;
    // A compact canvas starts one column left of 0, where the leftmost
    // node's marker goes.
    let margin = i32::from(shape != Shape::Boxes);
    let (cw, ch) = (i32::from(lay.width) + margin, i32::from(lay.height));
    if let Some((x, y)) = m.graph_pan {
        let x = if cw <= vw {
            -(vw - cw) / 2
        } else {
            x.clamp(0, cw - vw)
        };
        return (x - margin, y.clamp(0, (ch - vh).max(0)));
    }
    let row = m.current().map_or(0, |s| s.row);
    let Some(p) = lay.nodes.get(dag.node_of(row)) else {
        return (0, 0);
    };
    // Sideways, a compact node's middle cell, where its edges leave: the
    // nodes of a straight chain share it, so the view keeps still along a
    // column.
    let (x, w) = match shape {
        Shape::Boxes => (i32::from(p.x), i32::from(p.w)),
        Shape::Compact { .. } => (i32::from(p.x) + (i32::from(p.w) - 1) / 2, 1),
    };
    (
        follow(x + margin, w, vw, cw) - margin,
        follow(i32::from(p.y), i32::from(p.h), vh, ch).max(0),
    )
}

/// The offset along one axis that centres [pos, pos+len) in a view of
/// `view` cells over a canvas of `canvas` cells.
fn follow(pos: i32, len: i32, view: i32, canvas: i32) -> i32 {
    if canvas <= view {
        return -(view - canvas) / 2;
    }
    (pos + len / 2 - view / 2).clamp(0, canvas - view)
}

/// The row under a screen position in the graph pane.
pub fn row_at(m: &Model, panes: &Panes, at: Position) -> Option<usize> {
    let inn = inner(panes.graph);
    if !inn.contains(at) {
        return None;
    }
    if m.lane_view() {
        let top = super::table::top_row(m, panes.table);
        let dy = at.y.checked_sub(inn.y + 1)?;
        return match m.table_lines().at(top + usize::from(dy)) {
            Some(TableLine::Row(r)) => Some(r),
            _ => None,
        };
    }
    let (dag, _) = dag_in(m, panes.graph)?;
    let (ox, oy) = offset(m, panes.graph);
    let cx = i32::from(at.x - inn.x) + ox;
    let cy = i32::from(at.y - inn.y) + oy;
    let k = dag.layout.nodes.iter().position(|p| {
        cx >= i32::from(p.x)
            && cx < i32::from(p.x) + i32::from(p.w)
            && cy >= i32::from(p.y)
            && cy < i32::from(p.y) + i32::from(p.h)
    })?;
    // A folded group's box selects its first row.
    Some(match dag.unit(k) {
        Unit::Row(r) => r,
        Unit::Group { first, .. } => first,
    })
}

#[cfg(test)]
mod tests;
