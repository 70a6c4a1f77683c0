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

use ratatui::layout::{Position, Rect};

mod dag;
mod lanes;

pub use dag::render_dag;
pub use lanes::render_lanes;

use crate::tui::groups::{TableLine, Unit};
use crate::tui::model::Model;
use crate::tui::view::Panes;

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
    let Some(dag) = m.dag() else {
        return (0, 0);
    };
    let lay = dag.layout;
    let (cw, ch) = (i32::from(lay.width), i32::from(lay.height));
    if let Some((x, y)) = m.graph_pan {
        let x = if cw <= vw {
            -(vw - cw) / 2
        } else {
            x.clamp(0, cw - vw)
        };
        return (x, y.clamp(0, (ch - vh).max(0)));
    }
    let row = m.current().map_or(0, |s| s.row);
    let Some(p) = lay.nodes.get(dag.node_of(row)) else {
        return (0, 0);
    };
    (
        follow(i32::from(p.x), i32::from(p.w), vw, cw),
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
    let dag = m.dag()?;
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
