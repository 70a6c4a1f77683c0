//! Columns: a layout too tall for its pane cut into side-by-side columns, like
//! a newspaper's, so that a deep graph (a long chain) fits a wide, short pane.
//!
//! The layout is cut only between two layers that at most one edge crosses;
//! that edge leaves the bottom of its column, runs up the gutter to the
//! right of it and enters the next column from a row above its first layer.
//! The columns are as few as the height allows, then as even as they can be.
//!
//! Owns `wrap`. Must not change the order, the columns or the routes within
//! a column (those are the layered layout's); like the rest of `layout`, it
//! knows nothing of what the nodes are.

use super::route::{go, masks};
use super::{EdgeRoute, Layout, Placed};

/// The layout cut into columns at most `max_h` rows tall, each node keeping
/// its index and each edge its endpoints; `None` when it already fits, or
/// cannot be cut to fit (some layer band, or every cut near it, crossed by
/// more than one edge).
///
/// Blank cells: `gap` (at least one) between a column's content and the
/// gutter (room for labels beside the edges), and two after the gutter
/// (room for a marker left of a node, as the compact graph draws one).
pub fn wrap(lay: &Layout, max_h: u16, gap: u16) -> Option<Layout> {
    if lay.height <= max_h || lay.nodes.is_empty() {
        return None;
    }
    let bands = Bands::new(lay);
    let max_h = i64::from(max_h);
    let count = bands.columns(max_h)?.len();
    // The lowest height that needs no more columns: even columns.
    let (mut lo, mut hi) = (1, max_h);
    while lo < hi {
        let mid = (lo + hi) / 2;
        match bands.columns(mid) {
            Some(c) if c.len() <= count => hi = mid,
            _ => lo = mid + 1,
        }
    }
    let cols = bands.columns(hi)?;
    Some(bands.cut(lay, &cols, i64::from(gap.max(1))))
}

/// Each layer's rows and how many edges cross the gap below it.
struct Bands {
    /// First row of each layer's band.
    top: Vec<i64>,
    /// One past the last row of each layer's band (the gap below starts here).
    bottom: Vec<i64>,
    /// Edges crossing the gap below each layer.
    crossing: Vec<u32>,
}

impl Bands {
    fn new(lay: &Layout) -> Bands {
        let nl = lay
            .nodes
            .iter()
            .map(|p| p.layer as usize)
            .max()
            .unwrap_or(0)
            + 1;
        let mut top = vec![i64::MAX; nl];
        let mut bottom = vec![0i64; nl];
        for p in &lay.nodes {
            let l = p.layer as usize;
            top[l] = top[l].min(i64::from(p.y));
            bottom[l] = bottom[l].max(i64::from(p.y) + i64::from(p.h));
        }
        // Every layer holds a real node (it is on some longest path), but
        // keep a layer without one harmless.
        for l in 1..nl {
            if top[l] == i64::MAX {
                (top[l], bottom[l]) = (bottom[l - 1], bottom[l - 1]);
            }
        }
        // A difference array over the gaps each edge spans.
        let mut diff = vec![0i64; nl + 1];
        for e in &lay.edges {
            let (a, b) = (
                lay.nodes[e.from].layer as usize,
                lay.nodes[e.to].layer as usize,
            );
            if a < b && b < nl {
                diff[a] += 1;
                diff[b] -= 1;
            }
        }
        let mut crossing = Vec::with_capacity(nl);
        let mut run = 0i64;
        for d in diff.iter().take(nl) {
            run += d;
            crossing.push(u32::try_from(run).unwrap_or(u32::MAX));
        }
        Bands {
            top,
            bottom,
            crossing,
        }
    }

    fn layers(&self) -> usize {
        self.top.len()
    }

    /// Rows a column of layers `a..=b` takes: a row above for the edge that
    /// enters it (all but the first), and a row below for the one that
    /// leaves it (all but the last).
    fn height(&self, a: usize, b: usize) -> i64 {
        let enter = i64::from(a > 0);
        let leave = i64::from(b + 1 < self.layers());
        enter + self.bottom[b] - self.top[a] + leave
    }

    /// The fewest columns (first and last layer of each) at most `max_h` rows
    /// tall, cut only where at most one edge crosses. Greedy: each column as
    /// long as it can be (a later start never makes the rest harder).
    fn columns(&self, max_h: i64) -> Option<Vec<(usize, usize)>> {
        let nl = self.layers();
        let mut cols = Vec::new();
        let mut a = 0;
        while a < nl {
            let mut end = None;
            for b in a..nl {
                if self.height(a, b) > max_h {
                    break;
                }
                if b + 1 == nl || self.crossing[b] <= 1 {
                    end = Some(b);
                }
            }
            let b = end?;
            cols.push((a, b));
            a = b + 1;
        }
        Some(cols)
    }

    /// From the path's end (in the column's last band, or just under it) down
    /// to the row under the column (whose last layer is `b`), right to its
    /// gutter and up the gutter to the top row, where the next column's edge
    /// enters.
    fn bridge(&self, path: &mut Vec<(i64, i64)>, b: usize, gutter: i64, dy: i64) {
        let below = self.bottom[b] + dy;
        if let Some(&(x, _)) = path.last() {
            go(path, (x, below));
        }
        go(path, (gutter, below));
        go(path, (gutter, 0));
    }

    /// The layout redrawn in the given columns.
    fn cut(&self, lay: &Layout, cols: &[(usize, usize)], gap: i64) -> Layout {
        let nl = self.layers();
        let mut col_of = vec![0usize; nl];
        for (c, &(a, b)) in cols.iter().enumerate() {
            col_of[a..=b].fill(c);
        }
        let col_of_row = |y: i64| -> Option<usize> {
            // The column whose layers' rows (bands and inner gaps) hold y; a
            // cut gap belongs to none.
            let c = cols.partition_point(|&(_, b)| self.bottom[b] <= y);
            let &(a, _) = cols.get(c)?;
            (y >= self.top[a]).then_some(c)
        };
        // Each column's horizontal extent in the original canvas.
        let mut lo = vec![i64::MAX; cols.len()];
        let mut hi = vec![i64::MIN; cols.len()];
        for p in &lay.nodes {
            let c = col_of[p.layer as usize];
            lo[c] = lo[c].min(i64::from(p.x));
            hi[c] = hi[c].max(i64::from(p.x) + i64::from(p.w));
        }
        for e in &lay.edges {
            for &(x, y, _) in &e.cells {
                if let Some(c) = col_of_row(i64::from(y)) {
                    lo[c] = lo[c].min(i64::from(x));
                    hi[c] = hi[c].max(i64::from(x) + 1);
                }
            }
        }
        // Shifts: each column's left edge after the previous one's gutter.
        let mut dx = vec![0i64; cols.len()];
        let mut dy = vec![0i64; cols.len()];
        let mut gutter = vec![0i64; cols.len()];
        let mut left = 0i64;
        for (c, &(a, _)) in cols.iter().enumerate() {
            dx[c] = left - lo[c];
            dy[c] = i64::from(c > 0) - self.top[a];
            gutter[c] = hi[c] + dx[c] + gap;
            left = gutter[c] + 3;
        }
        let nodes: Vec<Placed> = lay
            .nodes
            .iter()
            .map(|p| {
                let c = col_of[p.layer as usize];
                Placed {
                    x: clamp(i64::from(p.x) + dx[c]),
                    y: clamp(i64::from(p.y) + dy[c]),
                    ..*p
                }
            })
            .collect();
        let mut edges = Vec::with_capacity(lay.edges.len());
        let mut path: Vec<(i64, i64)> = Vec::new();
        for e in &lay.edges {
            path.clear();
            let (Some(&(x0, y0, _)), Some(&(xa, _, _))) = (e.cells.first(), e.cells.last()) else {
                continue;
            };
            // The first cell, right under the source, is in the source's
            // column, or in the cut gap below it (the bridge's row).
            let mut at = col_of[lay.nodes[e.from].layer as usize];
            path.push((i64::from(x0) + dx[at], i64::from(y0) + dy[at]));
            for &(x, y, _) in &e.cells[1..] {
                let (x, y) = (i64::from(x), i64::from(y));
                let Some(c) = col_of_row(y) else {
                    continue; // in a cut gap: the bridge replaces it
                };
                let p = (x + dx[c], y + dy[c]);
                if c != at {
                    self.bridge(&mut path, cols[at].1, gutter[at], dy[at]);
                    go(&mut path, (p.0, 0));
                }
                go(&mut path, p);
                at = c;
            }
            // The arrowhead was in the cut gap: land above the target, from
            // the top row.
            let tc = col_of[lay.nodes[e.to].layer as usize];
            if at != tc {
                self.bridge(&mut path, cols[at].1, gutter[at], dy[at]);
                go(&mut path, (i64::from(xa) + dx[tc], 0));
            }
            edges.push(EdgeRoute {
                from: e.from,
                to: e.to,
                cells: masks(&path),
            });
        }
        // The last column keeps its gap too: labels go right of its arrows.
        let width = gutter.last().map_or(0, |&g| g);
        let height = cols
            .iter()
            .map(|&(a, b)| self.height(a, b))
            .max()
            .unwrap_or(0);
        Layout {
            nodes,
            edges,
            width: clamp(width),
            height: clamp(height),
        }
    }
}

fn clamp(v: i64) -> u16 {
    v.clamp(0, i64::from(u16::MAX)) as u16
}
