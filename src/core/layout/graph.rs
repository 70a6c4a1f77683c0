//! Layering: the layered graph the other stages work on. Sanitises the
//! preds, puts every node on a layer (longest path from the sources, inputs
//! sunk to just above their first use) and gives each source one shared
//! lane of dummy vertices down to its furthest consumer, within the dummy
//! budget; adjacency in flat `Csr` lists.
//!
//! Owns `Graph` and `Csr`. Must not order, place or route anything.

use super::NodeSpec;

/// The layered graph: real nodes `0..n_real`, then dummy lane vertices. Every
/// edge in `up`/`down` joins adjacent layers.
pub(super) struct Graph {
    pub(super) n_real: usize,
    pub(super) layer: Vec<u32>,
    pub(super) w: Vec<i64>,
    pub(super) h: Vec<i64>,
    pub(super) up: Csr,
    pub(super) down: Csr,
    /// Sanitised preds of real nodes (in range, earlier, deduplicated).
    pub(super) preds: Vec<Vec<usize>>,
    /// Per real node: first id of its dummy lane and how many layers it covers.
    pub(super) lane_base: Vec<usize>,
    pub(super) lane_len: Vec<u32>,
}

impl Graph {
    pub(super) fn new(nodes: &[NodeSpec], budget: usize) -> Graph {
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
    pub(super) fn lane_vertex(&self, p: usize, t: u32) -> Option<usize> {
        let lp = self.layer[p];
        if t == lp {
            Some(p)
        } else if t > lp && t - lp <= self.lane_len[p] {
            Some(self.lane_base[p] + (t - lp - 1) as usize)
        } else {
            None
        }
    }

    pub(super) fn out_col(&self, x: &[i64], v: usize) -> i64 {
        x[v] + (self.w[v] - 1) / 2
    }
}

/// Adjacency lists in two flat arrays: far fewer allocations and cache misses
/// than `Vec<Vec<_>>` once long edges add hundreds of thousands of dummies.
#[derive(Default)]
pub(super) struct Csr {
    start: Vec<usize>,
    list: Vec<usize>,
}

impl Csr {
    /// Lists keep the order in which their pairs arrive.
    pub(super) fn new(nv: usize, pairs: impl Iterator<Item = (usize, usize)> + Clone) -> Csr {
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

    pub(super) fn get(&self, v: usize) -> &[usize] {
        match (self.start.get(v), self.start.get(v + 1)) {
            (Some(&a), Some(&b)) => &self.list[a..b],
            _ => &[],
        }
    }
}
