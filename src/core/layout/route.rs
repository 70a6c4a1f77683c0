//! Edge routing: the row band of every layer, where incoming edges land on
//! a box's top (ports), the routing rows (tracks) in each gap between
//! layers, and every edge's cells with the directions they connect.
//!
//! Owns `route` and its helpers. Must not move a vertex: the layers, the
//! order and the columns are given.

use super::graph::Graph;
use super::{ARROW, E, EdgeRoute, N, S, W, clamp16};

/// Most horizontal routing rows between two layers; beyond that segments share
/// rows (and merge into ┬ ┴ ┼) rather than making gaps very tall.
const MAX_TRACKS: usize = 4;

/// Each layer's band of rows and every edge's route.
pub(super) struct Routes {
    /// The top row of each layer's band.
    pub(super) band_top: Vec<i64>,
    /// The height of each layer's band (its tallest box).
    pub(super) band_h: Vec<i64>,
    pub(super) edges: Vec<EdgeRoute>,
}

/// Bands, ports, tracks and the routes of all edges for a placed graph.
///
/// `compact` leaves no blank rows in a gap: the horizontal tracks start
/// right under the source and the arrowhead shares the last track's row, so
/// a gap of straight edges is one row (for nodes drawn without borders).
pub(super) fn route(g: &Graph, order: &[Vec<usize>], x: &[i64], compact: bool) -> Routes {
    let nv = g.layer.len();
    let nl = order.len();

    // In-ports: each vertex's incoming edges sorted by pred id for lookup.
    let mut in_port: Vec<Vec<(usize, i64)>> = vec![Vec::new(); nv];
    for (v, ports) in in_port.iter_mut().enumerate() {
        *ports = assign_ports(g, x, v);
    }
    let port_of = |v: usize, u: usize| -> i64 {
        let ps = &in_port[v];
        match ps.binary_search_by(|&(p, _)| p.cmp(&u)) {
            Ok(k) => ps[k].1,
            Err(_) => g.out_col(x, v),
        }
    };

    // Tracks per gap and the resulting row bands.
    let mut track = vec![0usize; nv];
    let mut band_top = vec![0i64; nl];
    let mut band_h = vec![1i64; nl];
    for l in 0..nl {
        band_h[l] = order[l].iter().map(|&v| g.h[v]).max().unwrap_or(1);
    }
    for l in 0..nl.saturating_sub(1) {
        let tracks = assign_tracks(g, &order[l], x, &port_of, &mut track);
        let blank = if compact { 0 } else { 2 };
        band_top[l + 1] = band_top[l] + band_h[l] + blank + tracks.max(1) as i64;
    }

    // Routes.
    let mut edges = Vec::new();
    let mut path: Vec<(i64, i64)> = Vec::new();
    for i in 0..g.n_real {
        for &p in &g.preds[i] {
            let li = g.layer[i];
            if g.lane_vertex(p, li - 1).is_none() {
                continue; // over the dummy budget: left unrouted
            }
            path.clear();
            let mut u = p;
            for t in g.layer[p]..li {
                let v = if t + 1 == li {
                    i
                } else {
                    match g.lane_vertex(p, t + 1) {
                        Some(d) => d,
                        None => break,
                    }
                };
                let l = t as usize;
                let sx = g.out_col(x, u);
                let start = if u < g.n_real {
                    band_top[l] + g.h[u]
                } else {
                    band_top[l]
                };
                let stub = band_top[l] + band_h[l];
                let row = stub + i64::from(!compact) + track[u] as i64;
                let arrow = band_top[l + 1] - 1;
                let port = port_of(v, u);
                if path.is_empty() {
                    path.push((sx, start));
                } else {
                    go(&mut path, (sx, start));
                }
                go(&mut path, (sx, row));
                go(&mut path, (port, row));
                go(&mut path, (port, arrow));
                u = v;
            }
            edges.push(EdgeRoute {
                from: p,
                to: i,
                cells: masks(&path),
            });
        }
    }
    Routes {
        band_top,
        band_h,
        edges,
    }
}

/// Append the cells from the path's last point to `to`, one step at a time.
pub(super) fn go(path: &mut Vec<(i64, i64)>, to: (i64, i64)) {
    let Some(&(mut cx, mut cy)) = path.last() else {
        path.push(to);
        return;
    };
    // Vertical first, then horizontal; callers only ask for straight moves.
    while cy != to.1 {
        cy += (to.1 - cy).signum();
        path.push((cx, cy));
    }
    while cx != to.0 {
        cx += (to.0 - cx).signum();
        path.push((cx, cy));
    }
}

pub(super) fn dir(from: (i64, i64), to: (i64, i64)) -> u8 {
    match (to.0 - from.0, to.1 - from.1) {
        (0, d) if d < 0 => N,
        (0, d) if d > 0 => S,
        (d, _) if d > 0 => E,
        (d, _) if d < 0 => W,
        _ => 0,
    }
}

/// Direction masks along a path: the first cell connects up into the source
/// box, the last one is the arrowhead.
pub(super) fn masks(path: &[(i64, i64)]) -> Vec<(u16, u16, u8)> {
    let last = path.len().saturating_sub(1);
    path.iter()
        .enumerate()
        .map(|(k, &p)| {
            let back = if k == 0 { N } else { dir(p, path[k - 1]) };
            let fwd = if k == last {
                ARROW
            } else {
                dir(p, path[k + 1])
            };
            (clamp16(p.0), clamp16(p.1), back | fwd)
        })
        .collect()
}

/// Columns where the incoming edges of `v` land, spread along its top edge in
/// the left-to-right order of their sources. Returned sorted by pred id.
fn assign_ports(g: &Graph, x: &[i64], v: usize) -> Vec<(usize, i64)> {
    let ups = g.up.get(v);
    if ups.is_empty() {
        return Vec::new();
    }
    let mut srt: Vec<(i64, usize)> = ups.iter().map(|&u| (g.out_col(x, u), u)).collect();
    srt.sort_unstable();
    let w = g.w[v];
    // Keep arrows off the box corners when there is room.
    let (start, inner) = if w >= 3 { (x[v] + 1, w - 2) } else { (x[v], w) };
    let k = srt.len() as i64;
    let spread: Vec<i64> = (0..k)
        .map(|j| {
            if k == 1 {
                g.out_col(x, v)
            } else if k <= inner {
                start + ((2 * j + 1) * inner) / (2 * k)
            } else {
                start + (j * inner) / k
            }
        })
        .collect();
    // Where a source sits right above the box, land straight under it instead
    // (no jog), as long as the ports stay in strictly increasing order.
    let mut ports: Vec<(usize, i64)> = Vec::with_capacity(srt.len());
    let mut prev = i64::MIN;
    for (j, &(src, u)) in srt.iter().enumerate() {
        let next = spread.get(j + 1).copied().unwrap_or(i64::MAX);
        let straight = src >= start && src < start + inner && src > prev && src < next;
        let col = if straight { src } else { spread[j] };
        prev = col;
        ports.push((u, col));
    }
    ports.sort_unstable();
    ports
}

/// A group of horizontal segments in one gap: everything leaving vertex `u`.
struct Group {
    u: usize,
    lo: i64,
    hi: i64,
    src: i64,
    ports: Vec<i64>,
    track: usize,
}

/// Give every source in `layer` a routing row in the gap below it so that
/// horizontally overlapping groups use different rows; order the rows to
/// minimise crossings with the vertical stubs. Returns the number of rows.
fn assign_tracks(
    g: &Graph,
    layer: &[usize],
    x: &[i64],
    port_of: &dyn Fn(usize, usize) -> i64,
    track: &mut [usize],
) -> usize {
    let mut groups: Vec<Group> = Vec::new();
    for &u in layer {
        if g.down.get(u).is_empty() {
            continue;
        }
        let src = g.out_col(x, u);
        let ports: Vec<i64> = g.down.get(u).iter().map(|&v| port_of(v, u)).collect();
        let lo = ports.iter().copied().fold(src, i64::min);
        let hi = ports.iter().copied().fold(src, i64::max);
        track[u] = 0;
        if lo == hi {
            continue; // straight down: needs no row of its own
        }
        groups.push(Group {
            u,
            lo,
            hi,
            src,
            ports,
            track: 0,
        });
    }
    groups.sort_by_key(|a| (a.lo, a.hi, a.u));
    // Greedy interval colouring (optimal for intervals) with a one-cell margin.
    let mut ends: Vec<i64> = Vec::new();
    for grp in groups.iter_mut() {
        let t = match ends.iter().position(|&e| e + 1 < grp.lo) {
            Some(t) => t,
            None if ends.len() < MAX_TRACKS => {
                ends.push(i64::MIN);
                ends.len() - 1
            }
            None => {
                let mut best = 0;
                for (t, &e) in ends.iter().enumerate() {
                    if e < ends[best] {
                        best = t;
                    }
                }
                best
            }
        };
        ends[t] = ends[t].max(grp.hi);
        grp.track = t;
    }
    let nt = ends.len();
    let perm = best_track_order(&groups, nt);
    for grp in &groups {
        track[grp.u] = perm[grp.track];
    }
    nt
}

/// Try every order of the (at most `MAX_TRACKS`) rows of one gap and return
/// the one with the fewest stub crossings; identity when there is nothing to
/// gain or too many groups to bother.
fn best_track_order(groups: &[Group], nt: usize) -> Vec<usize> {
    let mut perm: Vec<usize> = (0..nt).collect();
    if nt < 2 || groups.len() > 48 {
        return perm;
    }
    // cost[a][b]: price of a's row lying above b's row.
    let ng = groups.len();
    let mut cost = vec![0u32; ng * ng];
    for (ia, a) in groups.iter().enumerate() {
        for (ib, b) in groups.iter().enumerate() {
            if a.track == b.track {
                continue;
            }
            let mut c = 0u32;
            for &p in &a.ports {
                // b's lower row crosses a's arrows heading down ...
                if p >= b.lo && p <= b.hi {
                    c += 1;
                }
                // ... and sharing a column with b's source stub merges two lines.
                if p == b.src {
                    c += 10;
                }
            }
            // a's higher row crosses b's source stub.
            if b.src >= a.lo && b.src <= a.hi {
                c += 1;
            }
            cost[ia * ng + ib] = c;
        }
    }
    let eval = |perm: &[usize]| -> u32 {
        let mut total = 0;
        for ia in 0..ng {
            for ib in 0..ng {
                if perm[groups[ia].track] < perm[groups[ib].track] {
                    total += cost[ia * ng + ib];
                }
            }
        }
        total
    };
    let mut best = perm.clone();
    let mut best_cost = eval(&perm);
    while best_cost > 0 && next_permutation(&mut perm) {
        let c = eval(&perm);
        if c < best_cost {
            best_cost = c;
            best.clone_from(&perm);
        }
    }
    best
}

fn next_permutation(a: &mut [usize]) -> bool {
    let n = a.len();
    if n < 2 {
        return false;
    }
    let mut i = n - 1;
    while i > 0 && a[i - 1] >= a[i] {
        i -= 1;
    }
    if i == 0 {
        return false;
    }
    let mut j = n - 1;
    while a[j] <= a[i - 1] {
        j -= 1;
    }
    a.swap(i - 1, j);
    a[i..].reverse();
    true
}
