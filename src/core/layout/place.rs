//! X placement: the column of every vertex, keeping each layer's order
//! and gaps. Layers are packed centred, then every vertex is pulled toward
//! its neighbours by weighted least squares under the order constraints
//! (pool-adjacent-violators), and each dummy lane is straightened into a
//! few long runs.
//!
//! Owns `place_x` and its helpers. Must not change the order within a
//! layer or decide rows (that is `route`).

use super::graph::Graph;

/// Blank columns between neighbouring boxes or lanes in a layer.
const GAP: i64 = 2;
/// Down+up passes of the x "pull toward neighbours" step.
const PLACE_PASSES: usize = 8;

/// x placement: pack each layer centred, then pull every vertex toward the mean
/// centre of its neighbours. Each layer step is an exact weighted least-squares
/// fit under the "keep order and gaps" constraints (pool-adjacent-violators),
/// so nodes centre under their preds without the graph drifting.
pub(super) fn place_x(g: &Graph, order: &[Vec<usize>]) -> Vec<i64> {
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
