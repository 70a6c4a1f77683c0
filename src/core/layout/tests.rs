//! The layout's unit tests: the lecture's graphs lay out cleanly, every
//! layout keeps its invariants (boxes apart, edges continuous and ending
//! in an arrow above their target), random and hostile inputs, and speed
//! on long chains.
//!
//! Owns tests only. Must not be needed by anything outside `#[cfg(test)]`.

use super::route::dir;
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
    let (lay, stats) = build(&specs, DUMMY_BUDGET, false);
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
    let (lay, stats) = build(&specs, DUMMY_BUDGET, false);
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
    let (lay, _) = build(&specs, 100, false);
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

/// One-row nodes as the compact graph draws them.
fn one_row(specs: &[NodeSpec]) -> Vec<NodeSpec> {
    specs
        .iter()
        .map(|s| NodeSpec {
            width: s.width - 2,
            height: 1,
            preds: s.preds.clone(),
        })
        .collect()
}

#[test]
fn compact_lecture_graph_is_one_row_per_gap() {
    let specs = one_row(&lecture().0);
    let lay = layout_compact(&specs);
    check_invariants(&specs, &lay);
    // Six layers of one-row nodes, each gap a single row of routes: 11 rows,
    // where the boxed layout needs three blank rows per gap.
    assert_eq!(lay.height, 11);
    assert!(layout(&specs).height > lay.height);
    // Every edge lands with an arrow straight above its target.
    for e in &lay.edges {
        let last = e.cells.last().unwrap();
        assert_eq!(last.1 + 1, lay.nodes[e.to].y);
    }
}

#[test]
fn compact_layouts_keep_invariants() {
    let specs = one_row(&baydin().0);
    check_invariants(&specs, &layout_compact(&specs));
    for seed in 1..4 {
        let specs = random_trace(200, seed);
        check_invariants(&specs, &layout_compact(&specs));
        let specs = one_row(&specs);
        check_invariants(&specs, &layout_compact(&specs));
    }
}

#[test]
fn a_long_chain_wraps_into_even_columns() {
    // expression-swell's chain: x and twenty squarings, one row each.
    let specs = one_row(&chain(21, 13));
    let lay = layout_compact(&specs);
    assert_eq!(lay.height, 41);
    assert!(
        wrap(&lay, 41, 1).is_none(),
        "a layout that fits is left alone"
    );
    for max_h in [32u16, 24, 12, 6] {
        let w = wrap(&lay, max_h, 1).expect("a chain can be cut anywhere");
        check_invariants(&specs, &w);
        assert!(w.height <= max_h, "{} rows over {max_h}", w.height);
        // The fewest columns: a column of k nodes takes 2k − 1 rows, plus
        // a row above (the edge entering) and below (the edge leaving).
        let cols = {
            let mut xs: Vec<u16> = w.nodes.iter().map(|p| p.x).collect();
            xs.dedup();
            xs.len()
        };
        let per = |h: u16| usize::from(h.saturating_sub(1) / 2);
        let first = usize::from(max_h) / 2;
        let least = 1 + (21 - first).div_ceil(per(max_h).max(1));
        assert_eq!(cols, least.max(2), "columns at {max_h} rows");
        // Reading order: down each column, then the next column to the right.
        for (a, b) in w.nodes.iter().zip(&w.nodes[1..]) {
            assert!(b.y == a.y + 2 || b.x > a.x + a.w, "{a:?} then {b:?}");
        }
        // Even: no column more than two nodes shorter than the first.
        let first_len = w.nodes.iter().filter(|p| p.x == w.nodes[0].x).count();
        let last_len = w.nodes.iter().filter(|p| p.x == w.nodes[20].x).count();
        assert!(first_len - last_len <= 2, "{first_len} then {last_len}");
    }
    // The one edge between two columns runs under the first, up the
    // gutter, and lands on the next column's first node from above.
    let w = wrap(&lay, 32, 1).unwrap();
    let text = paint_text(&w, &vec!["n".repeat(11); 21], false);
    assert!(text.lines().next().unwrap().contains('┌'), "{text}");
    assert!(text.lines().any(|l| l.contains('┘')), "{text}");
}

#[test]
fn a_graph_is_cut_only_where_one_edge_crosses() {
    // The lecture's graph: only the gap under x is crossed by a single
    // edge (a→c runs beside b; c fans out to d and e, which meet in f).
    let specs = one_row(&lecture().0);
    let lay = layout_compact(&specs);
    let w = wrap(&lay, 10, 1).expect("x alone, then a..f under a row for the edge x→a");
    check_invariants(&specs, &w);
    assert_eq!((w.height, w.nodes[0].y, w.nodes[1].y), (10, 0, 1));
    assert!(w.nodes[1].x > w.nodes[0].x + w.nodes[0].w);
    assert!(
        wrap(&lay, 9, 1).is_none(),
        "no other gap is crossed by one edge"
    );
    for seed in 1..6 {
        let specs = one_row(&random_trace(120, seed));
        let lay = layout_compact(&specs);
        for max_h in [lay.height / 2, lay.height / 3, 20] {
            if let Some(w) = wrap(&lay, max_h, 1) {
                check_invariants(&specs, &w);
                assert!(w.height <= max_h);
            }
        }
    }
}
