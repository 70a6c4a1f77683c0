//! Layered layout of a computation DAG on a grid of terminal cells.
//!
//! Owns: turning a topologically ordered list of boxes (width, height, argument
//! indices) into a cell position for every box and an orthogonal cell route for
//! every edge, Sugiyama style (layering, dummy lanes for long edges, barycentre
//! ordering, x placement, routing tracks), plus a plain-text painter used by
//! tests and headless output. Pure and deterministic: no terminal or ratatui
//! types, no I/O, no global state.
//!
//! Must not: know anything about derivatives or what the nodes compute, or draw
//! to a terminal. Labels, colours and widgets belong to the callers.

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

/// Blank columns between neighbouring boxes or lanes in a layer.
const GAP: i64 = 2;
/// Most horizontal routing rows between two layers; beyond that segments share
/// rows (and merge into ┬ ┴ ┼) rather than making gaps very tall.
const MAX_TRACKS: usize = 4;
/// Barycentre sweeps (alternating down/up) in crossing reduction.
const ORDER_SWEEPS: usize = 12;
/// Down+up passes of the x "pull toward neighbours" step.
const PLACE_PASSES: usize = 8;
/// Cap on dummy lane vertices so a pathological graph (one node consuming
/// everything along a 100k chain) cannot need quadratic memory. Edges whose
/// lane does not fit are left out of `Layout::edges`.
const DUMMY_BUDGET: usize = 1 << 20;

/// Lay out a DAG top to bottom: inputs at the top, the output at the bottom.
pub fn layout(nodes: &[NodeSpec]) -> Layout {
    build(nodes, DUMMY_BUDGET).0
}

/// Figures the tests want to check but callers do not need.
#[cfg_attr(not(test), allow(dead_code))] // read by the tests
struct Stats {
    /// Crossings between adjacent layers of the final ordering (dummies included).
    crossings: u64,
}

/// The layered graph: real nodes `0..n_real`, then dummy lane vertices. Every
/// edge in `up`/`down` joins adjacent layers.
struct Graph {
    n_real: usize,
    layer: Vec<u32>,
    w: Vec<i64>,
    h: Vec<i64>,
    up: Csr,
    down: Csr,
    /// Sanitised preds of real nodes (in range, earlier, deduplicated).
    preds: Vec<Vec<usize>>,
    /// Per real node: first id of its dummy lane and how many layers it covers.
    lane_base: Vec<usize>,
    lane_len: Vec<u32>,
}

impl Graph {
    fn new(nodes: &[NodeSpec], budget: usize) -> Graph {
        let n = nodes.len();
        let mut mark = vec![usize::MAX; n];
        let mut preds = Vec::with_capacity(n);
        for (i, spec) in nodes.iter().enumerate() {
            let mut ps = Vec::with_capacity(spec.preds.len().min(n));
            for &p in &spec.preds {
                if p < i && mark[p] != i {
                    mark[p] = i;
                    ps.push(p);
                }
            }
            preds.push(ps);
        }

        // Longest path from the sources.
        let mut layer = vec![0u32; n];
        for i in 0..n {
            let mut l = 0u32;
            for &p in &preds[i] {
                l = l.max(layer[p].saturating_add(1));
            }
            layer[i] = l;
        }
        // Inputs sink to just above their first use so they do not hang at the
        // top with a long edge down to the one place they are used.
        let mut min_cons = vec![u32::MAX; n];
        for i in 0..n {
            for &p in &preds[i] {
                min_cons[p] = min_cons[p].min(layer[i]);
            }
        }
        for i in 0..n {
            if preds[i].is_empty() && min_cons[i] != u32::MAX {
                layer[i] = min_cons[i].saturating_sub(1);
            }
        }

        // One shared lane per source: its dummies cover the layers between the
        // source and its furthest consumer, so several long edges from one node
        // run down a single column and split off where needed.
        let mut max_cons = vec![0u32; n];
        for i in 0..n {
            for &p in &preds[i] {
                max_cons[p] = max_cons[p].max(layer[i]);
            }
        }
        let mut lane_base = vec![0usize; n];
        let mut lane_len = vec![0u32; n];
        let mut nv = n;
        for p in 0..n {
            let want = max_cons[p].saturating_sub(layer[p].saturating_add(1));
            let room = n.saturating_add(budget).saturating_sub(nv);
            let len = (want as usize).min(room) as u32;
            lane_base[p] = nv;
            lane_len[p] = len;
            nv += len as usize;
        }

        let mut w = vec![1i64; nv];
        let mut h = vec![1i64; nv];
        for (i, spec) in nodes.iter().enumerate() {
            w[i] = i64::from(spec.width.max(1));
            h[i] = i64::from(spec.height.max(1));
        }
        layer.resize(nv, 0);
        let mut edges: Vec<(usize, usize)> = Vec::with_capacity(nv);
        for p in 0..n {
            let mut prev = p;
            for k in 0..lane_len[p] {
                let d = lane_base[p] + k as usize;
                layer[d] = layer[p] + 1 + k;
                edges.push((prev, d));
                prev = d;
            }
        }
        let mut g = Graph {
            n_real: n,
            layer,
            w,
            h,
            up: Csr::default(),
            down: Csr::default(),
            preds,
            lane_base,
            lane_len,
        };
        for i in 0..n {
            for &p in &g.preds[i] {
                if let Some(u) = g.lane_vertex(p, g.layer[i].saturating_sub(1)) {
                    edges.push((u, i));
                }
            }
        }
        g.down = Csr::new(nv, edges.iter().copied());
        g.up = Csr::new(nv, edges.iter().map(|&(u, v)| (v, u)));
        g
    }

    /// The vertex of `p`'s lane at layer `t` (`p` itself at its own layer).
    fn lane_vertex(&self, p: usize, t: u32) -> Option<usize> {
        let lp = self.layer[p];
        if t == lp {
            Some(p)
        } else if t > lp && t - lp <= self.lane_len[p] {
            Some(self.lane_base[p] + (t - lp - 1) as usize)
        } else {
            None
        }
    }

    fn out_col(&self, x: &[i64], v: usize) -> i64 {
        x[v] + (self.w[v] - 1) / 2
    }
}

/// Adjacency lists in two flat arrays: far fewer allocations and cache misses
/// than `Vec<Vec<_>>` once long edges add hundreds of thousands of dummies.
#[derive(Default)]
struct Csr {
    start: Vec<usize>,
    list: Vec<usize>,
}

impl Csr {
    /// Lists keep the order in which their pairs arrive.
    fn new(nv: usize, pairs: impl Iterator<Item = (usize, usize)> + Clone) -> Csr {
        let mut start = vec![0usize; nv + 1];
        for (a, _) in pairs.clone() {
            start[a + 1] += 1;
        }
        for k in 0..nv {
            start[k + 1] += start[k];
        }
        let mut fill = start.clone();
        let mut list = vec![0usize; start[nv]];
        for (a, b) in pairs {
            list[fill[a]] = b;
            fill[a] += 1;
        }
        Csr { start, list }
    }

    fn get(&self, v: usize) -> &[usize] {
        match (self.start.get(v), self.start.get(v + 1)) {
            (Some(&a), Some(&b)) => &self.list[a..b],
            _ => &[],
        }
    }
}

fn build(nodes: &[NodeSpec], budget: usize) -> (Layout, Stats) {
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
    let crossings = reduce_crossings(&g, &mut order);
    let x = place_x(&g, &order);

    // In-ports: each vertex's incoming edges sorted by pred id for lookup.
    let mut in_port: Vec<Vec<(usize, i64)>> = vec![Vec::new(); nv];
    for (v, ports) in in_port.iter_mut().enumerate() {
        *ports = assign_ports(&g, &x, v);
    }
    let port_of = |v: usize, u: usize| -> i64 {
        let ps = &in_port[v];
        match ps.binary_search_by(|&(p, _)| p.cmp(&u)) {
            Ok(k) => ps[k].1,
            Err(_) => g.out_col(&x, v),
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
        let tracks = assign_tracks(&g, &order[l], &x, &port_of, &mut track);
        band_top[l + 1] = band_top[l] + band_h[l] + 2 + tracks.max(1) as i64;
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
                let sx = g.out_col(&x, u);
                let start = if u < g.n_real {
                    band_top[l] + g.h[u]
                } else {
                    band_top[l]
                };
                let stub = band_top[l] + band_h[l];
                let row = stub + 1 + track[u] as i64;
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

/// Append the cells from the path's last point to `to`, one step at a time.
fn go(path: &mut Vec<(i64, i64)>, to: (i64, i64)) {
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

fn dir(from: (i64, i64), to: (i64, i64)) -> u8 {
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
fn masks(path: &[(i64, i64)]) -> Vec<(u16, u16, u8)> {
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

/// Barycentre sweeps, keeping the ordering with the fewest crossings.
fn reduce_crossings(g: &Graph, order: &mut [Vec<usize>]) -> u64 {
    let mut pos = vec![0usize; g.layer.len()];
    for layer in order.iter() {
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
    }
    let mut pairs = Vec::new();
    let mut tree = Vec::new();
    let mut keys = Vec::new();
    let mut best = count_crossings(order, &pos, &g.down, &mut pairs, &mut tree);
    let mut best_order: Option<Vec<Vec<usize>>> = None;
    let mut stale = 0;
    for s in 0..ORDER_SWEEPS {
        // Stop when perfect or when two down/up rounds in a row found nothing better.
        if best == 0 || stale >= 4 {
            break;
        }
        let downward = s % 2 == 0;
        let adj = if downward { &g.up } else { &g.down };
        sweep(order, &mut pos, adj, downward, &mut keys);
        let c = count_crossings(order, &pos, &g.down, &mut pairs, &mut tree);
        if c < best {
            best = c;
            best_order = Some(order.to_vec());
            stale = 0;
        } else {
            stale += 1;
        }
    }
    if let Some(b) = best_order {
        order.clone_from_slice(&b);
    } else if best > 0 {
        // No sweep improved: restore the initial order we started from.
        for layer in order.iter_mut() {
            layer.sort_unstable();
        }
    }
    best
}

fn sweep(
    order: &mut [Vec<usize>],
    pos: &mut [usize],
    adj: &Csr,
    downward: bool,
    keys: &mut Vec<(f64, usize, usize)>,
) {
    let nl = order.len();
    for step in 0..nl.saturating_sub(1) {
        let l = if downward { step + 1 } else { nl - 2 - step };
        keys.clear();
        for &v in &order[l] {
            let nb = adj.get(v);
            // Vertices without neighbours on that side keep their place.
            let b = if nb.is_empty() {
                pos[v] as f64
            } else {
                nb.iter().map(|&u| pos[u] as f64).sum::<f64>() / nb.len() as f64
            };
            keys.push((b, pos[v], v));
        }
        keys.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (i, k) in keys.iter().enumerate() {
            order[l][i] = k.2;
            pos[k.2] = i;
        }
    }
}

/// Crossings between adjacent layers: inversions among edge endpoints, counted
/// with a Fenwick tree, O(E log V).
fn count_crossings(
    order: &[Vec<usize>],
    pos: &[usize],
    down: &Csr,
    pairs: &mut Vec<(usize, usize)>,
    tree: &mut Vec<u64>,
) -> u64 {
    let mut total = 0u64;
    for l in 0..order.len().saturating_sub(1) {
        pairs.clear();
        for &u in &order[l] {
            for &v in down.get(u) {
                pairs.push((pos[u], pos[v]));
            }
        }
        if pairs.len() < 2 {
            continue;
        }
        pairs.sort_unstable();
        let m = order[l + 1].len();
        tree.clear();
        tree.resize(m + 1, 0);
        for (k, &(_, pv)) in pairs.iter().enumerate() {
            let mut i = pv + 1;
            let mut not_above = 0u64;
            while i > 0 {
                not_above += tree[i];
                i &= i - 1;
            }
            total += k as u64 - not_above;
            let mut i = pv + 1;
            while i <= m {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

/// x placement: pack each layer centred, then pull every vertex toward the mean
/// centre of its neighbours. Each layer step is an exact weighted least-squares
/// fit under the "keep order and gaps" constraints (pool-adjacent-violators),
/// so nodes centre under their preds without the graph drifting.
fn place_x(g: &Graph, order: &[Vec<usize>]) -> Vec<i64> {
    let nv = g.layer.len();
    let nl = order.len();
    let mut x = vec![0f64; nv];
    for layer in order {
        let total: i64 = layer.iter().map(|&v| g.w[v] + GAP).sum::<i64>() - GAP;
        let mut cur = -(total as f64) / 2.0;
        for &v in layer {
            x[v] = cur;
            cur += (g.w[v] + GAP) as f64;
        }
    }
    // The passes run in layer-major numbering with flat neighbour lists: with
    // many dummies, chasing per-vertex lists across memory dominated the time.
    let mut rank = vec![0usize; nv];
    let mut by_rank = Vec::with_capacity(nv);
    let mut layer_start = Vec::with_capacity(nl + 1);
    for layer in order {
        layer_start.push(by_rank.len());
        for &v in layer {
            rank[v] = by_rank.len();
            by_rank.push(v);
        }
    }
    layer_start.push(by_rank.len());
    let half: Vec<f64> = by_rank.iter().map(|&v| ((g.w[v] - 1) / 2) as f64).collect();
    let step_w: Vec<f64> = by_rank.iter().map(|&v| (g.w[v] + GAP) as f64).collect();
    let mut xr: Vec<f64> = by_rank.iter().map(|&v| x[v]).collect();
    let mut nb_start = Vec::with_capacity(nv + 1);
    let mut nb: Vec<(usize, f64)> = Vec::new();
    for &v in &by_rank {
        nb_start.push(nb.len());
        for &u in g.up.get(v).iter().chain(g.down.get(v)) {
            // Lanes pull hardest so long edges stay straight columns.
            let wt = match (u >= g.n_real, v >= g.n_real) {
                (true, true) => 8.0,
                (false, false) => 1.0,
                _ => 2.0,
            };
            nb.push((rank[u], wt));
        }
    }
    nb_start.push(nb.len());
    let mut target = Vec::new();
    let mut weight = Vec::new();
    let mut fit = Vec::new();
    let mut blocks = Vec::new();
    for _ in 0..PLACE_PASSES {
        let mut moved = 0f64;
        for step in 0..2 * nl {
            let l = if step < nl { step } else { 2 * nl - 1 - step };
            let span = layer_start[l]..layer_start[l + 1];
            target.clear();
            weight.clear();
            let mut off = 0f64;
            for r in span.clone() {
                let mut sum = 0f64;
                let mut cnt = 0f64;
                for &(u, wt) in &nb[nb_start[r]..nb_start[r + 1]] {
                    sum += wt * (xr[u] + half[u]);
                    cnt += wt;
                }
                let (d, wt) = if cnt == 0.0 {
                    (xr[r], 1e-3)
                } else {
                    (sum / cnt - half[r], cnt)
                };
                target.push(d - off);
                weight.push(wt);
                off += step_w[r];
            }
            pav(&target, &weight, &mut fit, &mut blocks);
            let mut off = 0f64;
            for (k, r) in span.enumerate() {
                let nx = fit[k] + off;
                moved = moved.max((nx - xr[r]).abs());
                xr[r] = nx;
                off += step_w[r];
            }
        }
        // Converged well below a cell: further passes cannot change the rounding much.
        if moved < 0.25 {
            break;
        }
    }
    for (r, &v) in by_rank.iter().enumerate() {
        x[v] = xr[r];
    }
    let mut xi = vec![0i64; nv];
    for layer in order {
        let mut prev_end: Option<i64> = None;
        for &v in layer {
            let mut xv = x[v].round() as i64;
            if let Some(e) = prev_end {
                xv = xv.max(e + GAP);
            }
            xi[v] = xv;
            prev_end = Some(xv + g.w[v]);
        }
    }
    straighten_lanes(g, order, &mut xi);
    let min_x = xi.iter().copied().min().unwrap_or(0);
    for v in xi.iter_mut() {
        *v -= min_x;
    }
    xi
}

/// Least squares spreads a lane's sideways shift over many small jogs; a lane
/// reads best as few long straight runs. For each lane, cut it into the fewest
/// runs whose free intervals (room between its neighbours) intersect, and put
/// each run in one column: the first as close to its source's column as it can
/// get, later ones as close to the previous run.
fn straighten_lanes(g: &Graph, order: &[Vec<usize>], x: &mut [i64]) {
    let mut pos = vec![0usize; g.layer.len()];
    for layer in order {
        for (k, &v) in layer.iter().enumerate() {
            pos[v] = k;
        }
    }
    let room = |x: &[i64], d: usize| -> (i64, i64) {
        let layer = &order[g.layer[d] as usize];
        let k = pos[d];
        let lo = match k.checked_sub(1) {
            Some(j) => x[layer[j]] + g.w[layer[j]] + GAP,
            None => i64::MIN / 4,
        };
        let hi = match layer.get(k + 1) {
            Some(&r) => x[r] - GAP - 1,
            None => i64::MAX / 4,
        };
        (lo, hi)
    };
    for p in 0..g.n_real {
        let len = g.lane_len[p] as usize;
        if len == 0 {
            continue;
        }
        let base = g.lane_base[p];
        let mut want = g.out_col(x, p);
        let mut start = 0;
        let (mut a, mut b) = room(x, base);
        for k in 1..=len {
            let next = (k < len).then(|| room(x, base + k));
            match next {
                Some((lo, hi)) if lo.max(a) <= hi.min(b) => {
                    a = a.max(lo);
                    b = b.min(hi);
                }
                _ => {
                    // Close the run start..k at one column.
                    let col = want.clamp(a, b.max(a));
                    x[base + start..base + k].fill(col);
                    want = col;
                    start = k;
                    if let Some((lo, hi)) = next {
                        (a, b) = (lo, hi);
                    }
                }
            }
        }
    }
}

/// Weighted isotonic regression (non-decreasing fit) by pool-adjacent-violators.
fn pav(y: &[f64], w: &[f64], out: &mut Vec<f64>, blocks: &mut Vec<(f64, f64, usize)>) {
    blocks.clear();
    for (&yi, &wi) in y.iter().zip(w) {
        blocks.push((wi, wi * yi, 1));
        while blocks.len() >= 2 {
            let b = blocks[blocks.len() - 1];
            let a = blocks[blocks.len() - 2];
            if a.1 / a.0 > b.1 / b.0 {
                blocks.pop();
                let top = blocks.len() - 1;
                blocks[top] = (a.0 + b.0, a.1 + b.1, a.2 + b.2);
            } else {
                break;
            }
        }
    }
    out.clear();
    for &(sw, swy, len) in blocks.iter() {
        out.extend(std::iter::repeat_n(swy / sw, len));
    }
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

/// The glyph for a direction mask; ascii=true gives + - | v instead of box drawing.
pub fn glyph(mask: u8, ascii: bool) -> char {
    const BOX: [char; 16] = [
        ' ', '│', '─', '└', '│', '│', '┌', '├', '─', '┘', '─', '┴', '┐', '┤', '┬', '┼',
    ];
    const ASCII: [char; 16] = [
        ' ', '|', '-', '+', '|', '|', '+', '+', '-', '+', '-', '+', '+', '+', '+', '+',
    ];
    if mask & ARROW != 0 {
        return if ascii { 'v' } else { '▼' };
    }
    let m = usize::from(mask & (N | E | S | W));
    if ascii { ASCII[m] } else { BOX[m] }
}

/// Paint the whole layout as plain text (for tests, debugging and a headless
/// `render`): boxes as ┌─┐│└┘ with the label centred inside, edges from `glyph`.
/// `labels[i]` is node i's text (one line; truncated if too long). Trailing
/// spaces are trimmed from each line.
pub fn paint_text(layout: &Layout, labels: &[String], ascii: bool) -> String {
    let w = usize::from(layout.width);
    let h = usize::from(layout.height);
    if w == 0 || h == 0 {
        return String::new();
    }
    let mut mask = vec![0u8; w * h];
    for e in &layout.edges {
        for &(cx, cy, m) in &e.cells {
            let (cx, cy) = (usize::from(cx), usize::from(cy));
            if cx < w && cy < h {
                mask[cy * w + cx] |= m;
            }
        }
    }
    let mut grid: Vec<char> = mask.iter().map(|&m| glyph(m, ascii)).collect();
    let mut put = |cx: usize, cy: usize, c: char| {
        if cx < w && cy < h {
            grid[cy * w + cx] = c;
        }
    };
    let (tl, tr, bl, br, hz, vt, tee) = if ascii {
        ('+', '+', '+', '+', '-', '|', '+')
    } else {
        ('┌', '┐', '└', '┘', '─', '│', '┬')
    };
    for (i, p) in layout.nodes.iter().enumerate() {
        let (x0, y0, bw, bh) = (
            usize::from(p.x),
            usize::from(p.y),
            usize::from(p.w),
            usize::from(p.h),
        );
        let label = labels.get(i).map(String::as_str).unwrap_or("");
        if bw >= 2 && bh >= 3 {
            for dx in 0..bw {
                let c = if dx == 0 {
                    (tl, bl)
                } else if dx + 1 == bw {
                    (tr, br)
                } else {
                    (hz, hz)
                };
                put(x0 + dx, y0, c.0);
                // Show where an edge leaves the box on its bottom border.
                let below = y0 + bh;
                let leaves = below < h && x0 + dx < w && mask[below * w + x0 + dx] & N != 0;
                let bottom = if leaves && dx > 0 && dx + 1 < bw {
                    tee
                } else {
                    c.1
                };
                put(x0 + dx, y0 + bh - 1, bottom);
            }
            for dy in 1..bh - 1 {
                put(x0, y0 + dy, vt);
                put(x0 + bw - 1, y0 + dy, vt);
                for dx in 1..bw - 1 {
                    put(x0 + dx, y0 + dy, ' ');
                }
            }
            put_label(&mut put, label, x0 + 1, y0 + bh / 2, bw - 2);
        } else if bw >= 2 {
            put(x0, y0, '[');
            put(x0 + bw - 1, y0, ']');
            put_label(&mut put, label, x0 + 1, y0, bw - 2);
        } else {
            put(x0, y0, label.chars().next().unwrap_or(' '));
        }
    }
    let mut out = String::with_capacity((w + 1) * h);
    for row in grid.chunks(w) {
        let line: String = row.iter().collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn put_label(
    put: &mut impl FnMut(usize, usize, char),
    label: &str,
    x0: usize,
    y: usize,
    room: usize,
) {
    let chars: Vec<char> = label.chars().take(room).collect();
    let start = x0 + (room - chars.len()) / 2;
    for dx in 0..room {
        put(x0 + dx, y, ' ');
    }
    for (k, &c) in chars.iter().enumerate() {
        put(start + k, y, c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn labelled(items: &[(&str, &[usize])]) -> (Vec<NodeSpec>, Vec<String>) {
        let specs = items
            .iter()
            .map(|(l, p)| NodeSpec {
                width: l.chars().count() as u16 + 4,
                height: 3,
                preds: p.to_vec(),
            })
            .collect();
        let labels = items.iter().map(|(l, _)| l.to_string()).collect();
        (specs, labels)
    }

    fn lecture() -> (Vec<NodeSpec>, Vec<String>) {
        labelled(&[
            ("x", &[]),
            ("a=x^2", &[0]),
            ("b=exp(a)", &[1]),
            ("c=a+b", &[1, 2]),
            ("d=sqrt(c)", &[3]),
            ("e=cos(c)", &[3]),
            ("f=d+e", &[4, 5]),
        ])
    }

    fn baydin() -> (Vec<NodeSpec>, Vec<String>) {
        labelled(&[
            ("x1", &[]),
            ("x2", &[]),
            ("v1=ln(x1)", &[0]),
            ("v2=x1*x2", &[0, 1]),
            ("v3=sin(x2)", &[1]),
            ("v4=v1+v2", &[2, 3]),
            ("v5=v4-v3", &[5, 4]),
        ])
    }

    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) as usize
        }
    }

    /// Trace-like DAG: n/25 inputs, then 40% unary / 60% binary ops; one operand
    /// from the last 4 nodes, the other an old unused node or one of the last 8.
    /// `n` boxes of the given width, each using the one before.
    fn chain(n: usize, width: u16) -> Vec<NodeSpec> {
        (0..n)
            .map(|i| NodeSpec {
                width,
                height: 3,
                preds: if i == 0 { vec![] } else { vec![i - 1] },
            })
            .collect()
    }

    fn random_trace(n: usize, seed: u64) -> Vec<NodeSpec> {
        let mut rng = Lcg(seed);
        let inputs = (n / 25).max(1).min(n);
        let mut unused: Vec<usize> = Vec::new();
        let mut specs = Vec::with_capacity(n);
        for i in 0..n {
            let width = 8 + (rng.next() % 10) as u16;
            let mut preds = Vec::new();
            if i >= inputs {
                let a = i - 1 - rng.next() % i.min(4);
                preds.push(a);
                if rng.next() % 10 >= 4 {
                    let old = unused.partition_point(|&u| u + 8 < i);
                    let b = if old > 0 && rng.next().is_multiple_of(2) {
                        unused[rng.next() % old]
                    } else {
                        i - 1 - rng.next() % i.min(8)
                    };
                    preds.push(b);
                }
                for p in &preds {
                    if let Ok(k) = unused.binary_search(p) {
                        unused.remove(k);
                    }
                }
            }
            unused.push(i);
            specs.push(NodeSpec {
                width,
                height: 3,
                preds,
            });
        }
        specs
    }

    fn valid_edges(specs: &[NodeSpec]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (i, s) in specs.iter().enumerate() {
            let mut seen = Vec::new();
            for &p in &s.preds {
                if p < i && !seen.contains(&p) {
                    seen.push(p);
                    out.push((p, i));
                }
            }
        }
        out
    }

    fn inside(p: &Placed, x: u16, y: u16) -> bool {
        x >= p.x && x < p.x + p.w && y >= p.y && y < p.y + p.h
    }

    fn check_invariants(specs: &[NodeSpec], lay: &Layout) {
        assert_eq!(lay.nodes.len(), specs.len());
        // Boxes inside the canvas and pairwise disjoint.
        for (i, a) in lay.nodes.iter().enumerate() {
            assert!(
                a.x + a.w <= lay.width && a.y + a.h <= lay.height,
                "node {i} off canvas"
            );
            for (j, b) in lay.nodes.iter().enumerate().skip(i + 1) {
                let apart =
                    a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
                assert!(apart, "nodes {i} and {j} overlap: {a:?} {b:?}");
            }
        }
        // One route per distinct valid edge, in order.
        let want = valid_edges(specs);
        let got: Vec<(usize, usize)> = lay.edges.iter().map(|e| (e.from, e.to)).collect();
        assert_eq!(got, want);
        for e in &lay.edges {
            let (s, t) = (&lay.nodes[e.from], &lay.nodes[e.to]);
            assert!(s.layer < t.layer, "layers must increase along {e:?}");
            let first = e.cells.first().expect("route has cells");
            let last = e.cells.last().expect("route has cells");
            assert!(first.1 == s.y + s.h && first.0 >= s.x && first.0 < s.x + s.w);
            assert!(first.2 & N != 0, "route starts connected to its source");
            assert!(last.1 + 1 == t.y && last.0 >= t.x && last.0 < t.x + t.w);
            assert!(last.2 & ARROW != 0, "route ends with an arrow");
            for pair in e.cells.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let d = a.0.abs_diff(b.0) + a.1.abs_diff(b.1);
                assert_eq!(d, 1, "route {}->{} jumps between {a:?} {b:?}", e.from, e.to);
                let fwd = dir((a.0.into(), a.1.into()), (b.0.into(), b.1.into()));
                let back = dir((b.0.into(), b.1.into()), (a.0.into(), a.1.into()));
                assert!(a.2 & fwd != 0 && b.2 & back != 0, "masks disagree");
            }
            for &(cx, cy, _) in &e.cells {
                assert!(cx < lay.width && cy < lay.height);
                for (k, p) in lay.nodes.iter().enumerate() {
                    assert!(
                        !inside(p, cx, cy),
                        "edge {}->{} enters node {k}",
                        e.from,
                        e.to
                    );
                }
            }
        }
    }

    #[test]
    fn lecture_graph_is_clean() {
        let (specs, labels) = lecture();
        let (lay, stats) = build(&specs, DUMMY_BUDGET);
        check_invariants(&specs, &lay);
        assert_eq!(stats.crossings, 0);
        let cx = |i: usize| f64::from(lay.nodes[i].x) + f64::from(lay.nodes[i].w - 1) / 2.0;
        let (d, e, f) = (cx(4), cx(5), cx(6));
        assert!(
            d.min(e) < f && f < d.max(e),
            "f={f} not between d={d} e={e}"
        );
        assert!(
            (f - (d + e) / 2.0).abs() <= 1.0,
            "f should be centred under d and e"
        );
        let text = paint_text(&lay, &labels, false);
        println!("{text}");
        for l in &labels {
            assert!(text.contains(l.as_str()), "missing label {l}");
        }
        assert_eq!(text.matches('▼').count(), lay.edges.len());
        assert!(!text.contains('┼'), "no crossings expected:\n{text}");
        assert!(text.contains('┌') && text.contains('┘'));
    }

    #[test]
    fn baydin_graph_is_clean() {
        let (specs, labels) = baydin();
        let (lay, stats) = build(&specs, DUMMY_BUDGET);
        check_invariants(&specs, &lay);
        assert_eq!(stats.crossings, 0);
        // Inputs sit at the top, the output alone at the bottom.
        assert_eq!(lay.nodes[0].layer, 0);
        assert_eq!(lay.nodes[1].layer, 0);
        assert!(lay.nodes.iter().take(6).all(|p| p.y < lay.nodes[6].y));
        let text = paint_text(&lay, &labels, false);
        println!("{text}");
        for l in &labels {
            assert!(text.contains(l.as_str()));
        }
    }

    #[test]
    fn ascii_painting_uses_only_ascii() {
        let (specs, labels) = lecture();
        let text = paint_text(&layout(&specs), &labels, true);
        assert!(text.is_ascii(), "{text}");
        assert!(text.contains('v') && text.contains('+') && text.contains('|'));
    }

    #[test]
    fn glyphs_merge() {
        assert_eq!(glyph(N | S, false), '│');
        assert_eq!(glyph(E | W, false), '─');
        assert_eq!(glyph(N | E | W, false), '┴');
        assert_eq!(glyph(S | E | W, false), '┬');
        assert_eq!(glyph(N | S | E, false), '├');
        assert_eq!(glyph(N | S | E | W, false), '┼');
        assert_eq!(glyph(N | ARROW, false), '▼');
        assert_eq!(glyph(N | ARROW, true), 'v');
        assert_eq!(glyph(0, true), ' ');
        assert_eq!(glyph(S | W, true), '+');
    }

    #[test]
    fn random_traces_keep_invariants() {
        for seed in 1..6 {
            let specs = random_trace(300, seed);
            let lay = layout(&specs);
            check_invariants(&specs, &lay);
        }
    }

    #[test]
    fn sinks_inputs_to_their_first_use() {
        // Input 3 is only used by the last node: it must sit just above it.
        let specs = vec![
            NodeSpec {
                width: 5,
                height: 3,
                preds: vec![],
            },
            NodeSpec {
                width: 5,
                height: 3,
                preds: vec![0],
            },
            NodeSpec {
                width: 5,
                height: 3,
                preds: vec![1],
            },
            NodeSpec {
                width: 5,
                height: 3,
                preds: vec![],
            },
            NodeSpec {
                width: 5,
                height: 3,
                preds: vec![2, 3],
            },
        ];
        let lay = layout(&specs);
        check_invariants(&specs, &lay);
        assert_eq!(lay.nodes[3].layer, 2);
        assert_eq!(lay.nodes[4].layer, 3);
    }

    #[test]
    fn deterministic() {
        let specs = random_trace(500, 7);
        assert_eq!(layout(&specs), layout(&specs));
        let (specs, labels) = lecture();
        let a = paint_text(&layout(&specs), &labels, false);
        let b = paint_text(&layout(&specs), &labels, false);
        assert_eq!(a, b);
    }

    #[test]
    fn empty_and_single() {
        let lay = layout(&[]);
        assert!(lay.nodes.is_empty() && lay.edges.is_empty());
        assert_eq!((lay.width, lay.height), (0, 0));
        assert_eq!(paint_text(&lay, &[], false), "");

        let one = [NodeSpec {
            width: 7,
            height: 3,
            preds: vec![],
        }];
        let lay = layout(&one);
        assert_eq!(
            lay.nodes[0],
            Placed {
                x: 0,
                y: 0,
                w: 7,
                h: 3,
                layer: 0
            }
        );
        assert_eq!((lay.width, lay.height), (7, 3));
        let text = paint_text(&lay, &["a very long label".to_string()], false);
        assert_eq!(text, "┌─────┐\n│a ver│\n└─────┘\n");
    }

    #[test]
    fn duplicate_and_invalid_preds() {
        let specs = vec![
            NodeSpec {
                width: 5,
                height: 3,
                preds: vec![0, 1, 99, usize::MAX],
            },
            NodeSpec {
                width: 9,
                height: 3,
                preds: vec![0, 0, 0, 5],
            },
            NodeSpec {
                width: 0,
                height: 0,
                preds: vec![1, 0, 1],
            },
            NodeSpec {
                width: 1,
                height: 1,
                preds: vec![2, 2],
            },
            NodeSpec {
                width: 3,
                height: 2,
                preds: vec![3, 0],
            },
        ];
        let lay = layout(&specs);
        check_invariants(&specs, &lay);
        assert_eq!(
            lay.edges.iter().map(|e| (e.from, e.to)).collect::<Vec<_>>(),
            vec![(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (0, 4)]
        );
        assert_eq!((lay.nodes[2].w, lay.nodes[2].h), (1, 1));
        let labels: Vec<String> = (0..5).map(|i| format!("n{i}")).collect();
        let text = paint_text(&lay, &labels, false);
        assert!(text.contains("n0") && text.contains("n1"));
        // Labels missing altogether must not panic either.
        let _ = paint_text(&lay, &[], true);
    }

    #[test]
    fn arbitrary_specs_keep_invariants() {
        // Junk preds, zero sizes and mixed heights in one layer.
        let mut rng = Lcg(99);
        for round in 0..20 {
            let n = 1 + rng.next() % 60;
            let specs: Vec<NodeSpec> = (0..n)
                .map(|_| NodeSpec {
                    width: (rng.next() % 20) as u16,
                    height: (rng.next() % 6) as u16,
                    preds: (0..rng.next() % 4).map(|_| rng.next() % (n + 5)).collect(),
                })
                .collect();
            let lay = layout(&specs);
            check_invariants(&specs, &lay);
            let labels: Vec<String> = (0..n).map(|i| format!("node number {i}")).collect();
            let text = paint_text(&lay, &labels, round % 2 == 0);
            assert_eq!(text.lines().count(), usize::from(lay.height));
        }
    }

    #[test]
    fn wide_fan_in_and_fan_out() {
        // More preds than a box has columns: ports share columns, nothing breaks.
        let mut specs: Vec<NodeSpec> = (0..12)
            .map(|_| NodeSpec {
                width: 4,
                height: 3,
                preds: vec![],
            })
            .collect();
        specs.push(NodeSpec {
            width: 5,
            height: 3,
            preds: (0..12).collect(),
        });
        for _ in 0..6 {
            specs.push(NodeSpec {
                width: 6,
                height: 3,
                preds: vec![12],
            });
        }
        let lay = layout(&specs);
        check_invariants(&specs, &lay);
        let labels: Vec<String> = (0..specs.len()).map(|i| format!("{i}")).collect();
        println!("{}", paint_text(&lay, &labels, false));
        // The one stub below the hub splits into six.
        let hub = lay.nodes[12];
        let starts: Vec<_> = lay
            .edges
            .iter()
            .filter(|e| e.from == 12)
            .map(|e| e.cells[0])
            .collect();
        assert_eq!(starts.len(), 6);
        assert!(
            starts
                .iter()
                .all(|c| c.0 == starts[0].0 && c.1 == hub.y + hub.h)
        );
    }

    #[test]
    fn over_budget_lanes_are_dropped_not_fatal() {
        let n = 40;
        let mut specs: Vec<NodeSpec> = chain(n, 5);
        specs.push(NodeSpec {
            width: 9,
            height: 3,
            preds: (0..n).collect(),
        });
        let (lay, _) = build(&specs, 100);
        // Every chain edge and the short ones survive; some long ones do not.
        assert!(lay.edges.len() >= n && lay.edges.len() < 2 * n - 1);
        for e in &lay.edges {
            assert!(e.cells.last().is_some_and(|c| c.2 & ARROW != 0));
            for w in e.cells.windows(2) {
                assert_eq!(w[0].0.abs_diff(w[1].0) + w[0].1.abs_diff(w[1].1), 1);
            }
        }
    }

    #[test]
    fn long_chain_is_fast_and_flat() {
        let specs: Vec<NodeSpec> = chain(100_000, 9);
        let t = Instant::now();
        let lay = layout(&specs);
        let took = t.elapsed();
        assert_eq!(lay.nodes.len(), 100_000);
        assert_eq!(lay.edges.len(), 99_999);
        assert_eq!(lay.nodes[99_999].layer, 99_999);
        // Saturates instead of wrapping.
        assert_eq!(lay.height, u16::MAX);
        assert_eq!(lay.width, 9);
        assert!(took.as_secs_f64() < 10.0, "100k chain took {took:?}");
    }

    #[test]
    fn fan_in_over_long_chain_stays_bounded() {
        // Every chain node also feeds the last node: lanes are shared per
        // source, so this is about n^2/2 lane cells, kept small here.
        let n = 300;
        let mut specs: Vec<NodeSpec> = chain(n, 5);
        specs.push(NodeSpec {
            width: 40,
            height: 3,
            preds: (0..n).collect(),
        });
        let lay = layout(&specs);
        assert_eq!(lay.edges.len(), 2 * n - 1);
        for e in &lay.edges {
            assert!(e.cells.last().is_some_and(|c| c.2 & ARROW != 0));
        }
    }

    #[test]
    fn random_1000_width_is_reasonable() {
        let specs = random_trace(1000, 42);
        let lay = layout(&specs);
        check_invariants(&specs, &lay);
        assert!(lay.width < 600, "canvas too wide: {}", lay.width);
    }
}
