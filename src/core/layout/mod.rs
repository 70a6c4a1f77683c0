//! Layered layout of a computation DAG on a grid of cells (terminal cells for
//! the TUI, scaled to pixels for the HTML page's SVG).
//!
//! Owns: turning a topologically ordered list of boxes (width, height, argument
//! indices) into a cell position for every box and an orthogonal cell route for
//! every edge, Sugiyama style (layering, dummy lanes for long edges, barycentre
//! ordering, x placement, routing tracks), plus a plain-text painter used by
//! tests and headless output. Pure and deterministic: no terminal or ratatui
//! types, no I/O, no global state.
//!
//! This file holds the public types and `layout()`, which runs the stages in
//! order: `graph` (layers and dummy lanes), `order` (crossing reduction),
//! `place` (x placement), `route` (row bands, ports, tracks and edge cells);
//! `paint` draws a layout as text; `wrap` cuts a layout too tall for its
//! pane into side-by-side columns.
//!
//! Must not: know anything about derivatives or what the nodes compute, or draw
//! to a terminal. Labels, colours and widgets belong to the callers (`tui`'s
//! graph widget, `format::html`).

mod graph;
mod order;
mod paint;
mod place;
mod route;
#[cfg(test)]
mod tests;
mod wrap;

pub use paint::{glyph, paint_text};
pub use wrap::wrap;

use graph::Graph;

/// One node to place. Nodes are given in topological order: every pred index is
/// smaller than the node's own index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSpec {
    /// Box width in cells including the border (0 is treated as 1).
    pub width: u16,
    /// Box height in cells including the border (0 is treated as 1).
    pub height: u16,
    /// Argument nodes (edges pred -> this node). A repeated pred (x*x) gives one
    /// edge; preds that are not smaller than the node's own index are ignored.
    pub preds: Vec<usize>,
}

/// Where a node ended up. `w`/`h` are the spec's size clamped to at least 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Placed {
    pub x: u16,
    pub y: u16,
    pub w: u16,
    pub h: u16,
    pub layer: u32,
}

/// Glyph directions on a cell, bit flags, so overlapping edges merge into ┼ ├ ┬ etc.
pub const N: u8 = 1;
pub const E: u8 = 2;
pub const S: u8 = 4;
pub const W: u8 = 8;
/// An arrowhead pointing down into a node (▼ or v).
pub const ARROW: u8 = 16;

/// Every cell an edge passes through with the directions it connects, starting
/// directly below the source box and ending just above the target box with
/// `ARROW` set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EdgeRoute {
    pub from: usize,
    pub to: usize,
    pub cells: Vec<(u16, u16, u8)>,
}

/// The result: `nodes[i]` belongs to input node `i`; `width`/`height` is the
/// canvas size in cells. Coordinates saturate at `u16::MAX` on absurdly large
/// graphs rather than wrapping.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub nodes: Vec<Placed>,
    pub edges: Vec<EdgeRoute>,
    pub width: u16,
    pub height: u16,
}

/// Cap on dummy lane vertices so a pathological graph (one node consuming
/// everything along a 100k chain) cannot need quadratic memory. Edges whose
/// lane does not fit are left out of `Layout::edges`.
const DUMMY_BUDGET: usize = 1 << 20;

/// Lay out a DAG top to bottom: inputs at the top, the output at the bottom.
pub fn layout(nodes: &[NodeSpec]) -> Layout {
    build(nodes, DUMMY_BUDGET, false).0
}

/// The same layout with no blank rows between layers (see `route`), for
/// nodes drawn as one or two lines of text without a border: a chain of n
/// one-row nodes is 2n − 1 rows tall.
pub fn layout_compact(nodes: &[NodeSpec]) -> Layout {
    build(nodes, DUMMY_BUDGET, true).0
}

/// Figures the tests want to check but callers do not need.
#[cfg_attr(not(test), allow(dead_code))] // read by the tests
struct Stats {
    /// Crossings between adjacent layers of the final ordering (dummies included).
    crossings: u64,
}

/// The stages in order, with at most `budget` dummy lane vertices.
fn build(nodes: &[NodeSpec], budget: usize, compact: bool) -> (Layout, Stats) {
    if nodes.is_empty() {
        return (Layout::default(), Stats { crossings: 0 });
    }
    let g = Graph::new(nodes, budget);
    let nv = g.layer.len();
    let nl = g.layer.iter().copied().max().unwrap_or(0) as usize + 1;

    let mut order: Vec<Vec<usize>> = vec![Vec::new(); nl];
    for v in 0..nv {
        order[g.layer[v] as usize].push(v);
    }
    let crossings = order::reduce_crossings(&g, &mut order);
    let x = place::place_x(&g, &order);
    let route::Routes {
        band_top,
        band_h,
        edges,
    } = route::route(&g, &order, &x, compact);

    let nodes_out: Vec<Placed> = (0..g.n_real)
        .map(|v| {
            let l = g.layer[v];
            Placed {
                x: clamp16(x[v]),
                y: clamp16(band_top[l as usize]),
                w: clamp16(g.w[v]),
                h: clamp16(g.h[v]),
                layer: l,
            }
        })
        .collect();
    let width = (0..nv).map(|v| x[v] + g.w[v]).max().unwrap_or(0);
    let height = band_top[nl - 1] + band_h[nl - 1];
    (
        Layout {
            nodes: nodes_out,
            edges,
            width: clamp16(width),
            height: clamp16(height),
        },
        Stats { crossings },
    )
}

fn clamp16(v: i64) -> u16 {
    v.clamp(0, i64::from(u16::MAX)) as u16
}
