//! Painting a layout as plain text: the glyph of a cell's direction mask
//! (box drawing or ASCII) and the whole canvas with boxes, labels and
//! edges, for tests, debugging and headless output.
//!
//! Owns `glyph` and `paint_text`. Must not compute a layout, or know
//! colours or terminals (the TUI's graph widget draws the real thing).

use super::{ARROW, E, Layout, N, S, W};

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
