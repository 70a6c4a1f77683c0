//! Ordering: the order of the vertices within each layer, by barycentre
//! sweeps (alternating down and up) that keep the ordering with the fewest
//! crossings, counted exactly with a Fenwick tree.
//!
//! Owns crossing reduction and counting. Must not move anything sideways
//! (that is `place`) or route edges.

use super::graph::{Csr, Graph};

/// Barycentre sweeps (alternating down/up) in crossing reduction.
const ORDER_SWEEPS: usize = 12;

/// Barycentre sweeps, keeping the ordering with the fewest crossings.
pub(super) fn reduce_crossings(g: &Graph, order: &mut [Vec<usize>]) -> u64 {
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
