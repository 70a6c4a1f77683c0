//! The layer view: a program of vector statements read as the lecture's
//! composition f = f⁽ᴸ⁾ ∘ … ∘ f⁽¹⁾. Each statement's local Jacobian block
//! J⁽ⁱ⁾ = ∂z⁽ⁱ⁾/∂z⁽ⁱ⁻¹⁾ (a small matrix), the forward sweep as the product
//! J⁽ᴸ⁾⋯(J⁽²⁾(J⁽¹⁾ẋ)) taken right to left, and the reverse sweep as
//! x̄ᵀ = ȳᵀJ⁽ᴸ⁾⋯J⁽¹⁾ taken left to right — with the numbers, which equal
//! the sweeps' tangents and adjoints at each layer.
//!
//! Must not format anything; a block is computed from the stored partials
//! by a tangent pass seeded at the previous layer's entries.

use super::sweep::Sweep;
use super::trace::{GroupKind, Trace};

/// A layer: a vector (an input, a statement or the output) and the rows of
/// its entries, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    pub name: String,
    pub rows: Vec<usize>,
}

/// A dense matrix, row by row.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub rows: usize,
    pub cols: usize,
    pub entries: Vec<f64>,
}

impl Block {
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.entries[i * self.cols + j]
    }

    /// `self · v`.
    pub fn apply(&self, v: &[f64]) -> Vec<f64> {
        (0..self.rows)
            .map(|i| (0..self.cols).map(|j| self.get(i, j) * v[j]).sum())
            .collect()
    }

    /// `vᵀ · self`.
    pub fn apply_left(&self, v: &[f64]) -> Vec<f64> {
        (0..self.cols)
            .map(|j| (0..self.rows).map(|i| v[i] * self.get(i, j)).sum())
            .collect()
    }
}

/// The layers of a program: the vectors named by `names` in that order, or
/// else every vector input, vector statement and the output, in the order
/// their rows come. A layer needs every entry to be a row.
pub fn layers(trace: &Trace, names: Option<&[String]>) -> Result<Vec<Layer>, String> {
    let mut all: Vec<Layer> = Vec::new();
    for (g, group) in trace.groups.iter().enumerate() {
        if group.cols != 1 && group.rows != 1 {
            continue;
        }
        let n = (group.rows * group.cols) as usize;
        let mut rows = vec![usize::MAX; n];
        for (r, rg) in trace.row_group.iter().enumerate() {
            if rg.group as usize == g
                && let Some(slot) = rows.get_mut(rg.index as usize)
            {
                *slot = r;
            }
        }
        if rows.contains(&usize::MAX) {
            continue;
        }
        let name = match (group.kind, group.name.is_empty()) {
            (GroupKind::Output, true) => "output".to_string(),
            _ => group.name.to_string(),
        };
        all.push(Layer { name, rows });
    }
    all.sort_by_key(|l| l.rows[0]);
    match names {
        None => Ok(all),
        Some(names) => names
            .iter()
            .map(|n| {
                all.iter().find(|l| &l.name == n).cloned().ok_or_else(|| {
                    let have: Vec<&str> = all.iter().map(|l| l.name.as_str()).collect();
                    format!(
                        "'{n}' is not a vector of the program; the vectors are {}",
                        have.join(", ")
                    )
                })
            })
            .collect(),
    }
}

/// ∂to/∂from: tangents seeded at each entry of `from` in turn (and nowhere
/// else), read at the entries of `to`.
pub fn block(trace: &Trace, s: &Sweep, from: &Layer, to: &Layer) -> Block {
    let start = from.rows.iter().copied().min().unwrap_or(0);
    let end = to.rows.iter().copied().max().unwrap_or(0) + 1;
    let mut entries = vec![0.0; to.rows.len() * from.rows.len()];
    let end = end.max(start);
    let mut t = vec![0.0; end];
    let mut source = vec![false; end];
    for &r in &from.rows {
        source[r] = true;
    }
    for (j, &src) in from.rows.iter().enumerate() {
        t[start..end].fill(0.0);
        for r in start..end {
            if r == src {
                t[r] = 1.0;
                continue;
            }
            if source[r] {
                continue;
            }
            let node = &trace.nodes[r];
            let p = s.partial[r];
            let mut acc = 0.0;
            for (k, pk) in p.iter().enumerate() {
                if let Some(a) = node.row_arg(k) {
                    let a = a as usize;
                    if a >= start && t[a] != 0.0 {
                        acc += pk * t[a];
                    }
                }
            }
            t[r] = acc;
        }
        for (i, &dst) in to.rows.iter().enumerate() {
            entries[i * from.rows.len() + j] = t[dst];
        }
    }
    Block {
        rows: to.rows.len(),
        cols: from.rows.len(),
        entries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::jacobian::jacobian;
    use crate::core::sweep::{self, Mode};
    use crate::core::syntax::parse;
    use crate::core::trace::{Options, build_shaped};

    /// z = σ(W2·σ(W1·x)): the blocks' product, right to left, is the
    /// Jacobian; the forward product of the seed is the tangent at z.
    #[test]
    fn the_chain_of_blocks_is_the_jacobian() {
        let src = "W1 = [[1, 2], [3, 4]]; W2 = [[1, -1], [2, 0.5]]; \
                   h = sigmoid(W1*x); z = sigmoid(W2*h)";
        let t = build_shaped(
            src,
            &parse(src).unwrap(),
            Options::default(),
            &[("x", (2, 1))],
        )
        .unwrap();
        let s = sweep::both(&t, &[0.3, -0.2], &[1.0, 0.0]);
        let ls = layers(&t, None).unwrap();
        let names: Vec<&str> = ls.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["x", "h", "z"]);
        let j1 = block(&t, &s, &ls[0], &ls[1]);
        let j2 = block(&t, &s, &ls[1], &ls[2]);
        let j = jacobian(&t, &s, Mode::Forward).unwrap();
        for col in 0..2 {
            let e = [f64::from(u8::from(col == 0)), f64::from(u8::from(col == 1))];
            let v = j2.apply(&j1.apply(&e));
            for (row, &vi) in v.iter().enumerate() {
                assert!((vi - j.get(row, col)).abs() < 1e-12);
            }
        }
        // the forward product of the seed e₁ is the tangent at z
        let v = j2.apply(&j1.apply(&[1.0, 0.0]));
        for (k, &r) in ls[2].rows.iter().enumerate() {
            assert!((v[k] - s.tangent[r]).abs() < 1e-12);
        }
        // and the reverse product of the cotangent e₁ is the gradient
        let g = j1.apply_left(&j2.apply_left(&[1.0, 0.0]));
        assert!((g[0] - s.adjoint[0]).abs() < 1e-12 && (g[1] - s.adjoint[1]).abs() < 1e-12);
        assert!(layers(&t, Some(&["q".to_string()])).is_err());
    }
}
