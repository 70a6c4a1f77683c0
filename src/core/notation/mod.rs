//! How rows, tangents and adjoints are written: the lecture's notation
//! (x_i, d_i, x̄_i) or Griewank & Walther's (v_i, v̇_i, v̄_i), in Unicode,
//! plain ASCII or LaTeX, and how numbers are printed.
//!
//! Owns every symbol a view prints for a row and the rendering of rule
//! trees (`math::Math`, `math::Text`) into characters (`render`). Must not
//! compute any number, and must not build rule text: rules arrive as trees.

mod render;

pub use render::{Target, ascii_name, latex_escape, latex_name};

use crate::core::ops::math::{Math, Sym, Text};
use crate::core::trace::Trace;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Notation {
    /// x0, x1, … with tangents d0, d1, … and adjoints x̄0, x̄1, … (the
    /// lecture's neural-net table).
    #[default]
    Lecture,
    /// v₋₁, v₀, v₁, … with v̇ᵢ and v̄ᵢ (Griewank & Walther; Baydin et al.):
    /// inputs are numbered up to 0.
    Griewank,
}

impl Notation {
    pub fn name(self) -> &'static str {
        match self {
            Notation::Lecture => "lecture",
            Notation::Griewank => "griewank",
        }
    }
    pub fn parse(s: &str) -> Option<Notation> {
        match s {
            "lecture" => Some(Notation::Lecture),
            "griewank" => Some(Notation::Griewank),
            _ => None,
        }
    }
}

/// Everything that decides how text looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub notation: Notation,
    pub ascii: bool,
    /// Decimals shown.
    pub precision: usize,
}

impl Default for Style {
    fn default() -> Style {
        Style {
            notation: Notation::Lecture,
            ascii: false,
            precision: 4,
        }
    }
}

pub(crate) const MACRON: char = '\u{0304}';
pub(crate) const DOT_ABOVE: char = '\u{0307}';

/// Row symbols for one trace in one style.
#[derive(Clone, Copy)]
pub struct Names<'t> {
    trace: &'t Trace,
    pub style: Style,
    /// The letter of default labels, chosen so that no label can be
    /// mistaken for one of the program's names (inputs called x1, x2, or a
    /// vector x with entries x[1], x[2], make the lecture's labels v0, v1, …).
    letter: &'static str,
}

impl<'t> Names<'t> {
    pub fn new(trace: &'t Trace, style: Style) -> Names<'t> {
        Names::with_letter(trace, style, label_letter(trace, style.notation))
    }

    /// Names whose label letter is known (`label_letter` of this trace and
    /// notation): a view drawing many frames of one trace finds it once.
    pub fn with_letter(trace: &'t Trace, style: Style, letter: &'static str) -> Names<'t> {
        Names {
            trace,
            style,
            letter,
        }
    }

    /// The trace these names are of.
    pub fn trace(&self) -> &'t Trace {
        self.trace
    }

    fn index(&self, row: usize) -> i64 {
        match self.style.notation {
            Notation::Lecture => row as i64,
            Notation::Griewank => row as i64 - self.trace.n_inputs as i64 + 1,
        }
    }

    /// Appends the label's subscript: 3 (lecture), ₋₁ (Griewank), _-1 (ASCII).
    fn push_subscript(&self, out: &mut String, i: i64) {
        let mut digits = itoa::Buffer::new();
        let digits = digits.format(i);
        match (self.style.notation, self.style.ascii) {
            (Notation::Lecture, _) => out.push_str(digits),
            (Notation::Griewank, true) => {
                out.push('_');
                out.push_str(digits);
            }
            (Notation::Griewank, false) => out.extend(digits.chars().map(|c| match c {
                '-' => '₋',
                d => char::from_u32(0x2080 + d.to_digit(10).unwrap_or(0)).unwrap_or(d),
            })),
        }
    }

    /// The row's label in the notation: x3, v₁ (v_1 in ASCII).
    pub fn label(&self, row: usize) -> String {
        let mut out = String::new();
        self.push_label(&mut out, row);
        out
    }

    /// The row's label, appended (exports write a million of them).
    pub fn push_label(&self, out: &mut String, row: usize) {
        out.push_str(self.letter);
        self.push_subscript(out, self.index(row));
    }

    /// The row's label in LaTeX: x_{3}, v_{-1}.
    pub fn latex_label(&self, row: usize) -> String {
        format!("{}_{{{}}}", self.letter, self.index(row))
    }

    /// The label's letter and its index (for LaTeX subscripts).
    pub(crate) fn label_parts(&self, row: usize) -> (&'static str, i64) {
        (self.letter, self.index(row))
    }

    /// The letter of generic symbols (x_i, or v_i when labels use v).
    pub(crate) fn letter(&self) -> &'static str {
        self.letter
    }

    /// The row's number in the notation (lecture: from 0; Griewank: inputs up to 0).
    pub(crate) fn row_index(&self, row: usize) -> i64 {
        self.index(row)
    }

    pub(crate) fn named(&self, row: usize) -> Option<&'t str> {
        self.trace.name(row)
    }

    /// How the row is referred to in rules: its program name, else its label.
    pub fn sym(&self, row: usize) -> String {
        self.symbol(Sym::Val(row as u32), self.target())
    }

    /// The row's symbol, appended.
    pub fn push_sym(&self, out: &mut String, row: usize) {
        render::push_row_symbol(out, row, self, self.target());
    }

    /// A symbol in a target.
    pub fn symbol(&self, s: Sym, target: Target) -> String {
        render::symbol(s, self, target)
    }

    /// The row's tangent: d3 (lecture: by row number, as on the lecture's
    /// table, whatever the row's name), v̇₁ / ċ (Griewank).
    pub fn tangent(&self, row: usize) -> String {
        self.symbol(Sym::Tan(row as u32), self.target())
    }

    /// The row's adjoint: x̄3, c̄ (bar(x3), bar(c) in ASCII).
    pub fn adjoint(&self, row: usize) -> String {
        self.symbol(Sym::Adj(row as u32), self.target())
    }

    /// ∂a/∂b for two rows.
    pub fn partial(&self, of: usize, wrt: usize) -> String {
        self.symbol(Sym::Partial(of as u32, wrt as u32), self.target())
    }

    /// Header names of the table's columns, in the notation's letters
    /// (`value v` when the labels are v0, v1, … to avoid the program's names).
    pub fn columns(&self) -> [String; 3] {
        let l = self.letter;
        let [v, d, a] = match (self.style.notation, self.style.ascii) {
            (Notation::Lecture, false) => [l.to_string(), "d".into(), accent(l, MACRON)],
            (Notation::Lecture, true) => [l.to_string(), "d".into(), format!("{l}bar")],
            (Notation::Griewank, false) => [l.to_string(), accent(l, DOT_ABOVE), accent(l, MACRON)],
            (Notation::Griewank, true) => [l.to_string(), format!("{l}dot"), format!("{l}bar")],
        };
        let tangent = match self.style.notation {
            Notation::Lecture => "derivative",
            Notation::Griewank => "tangent",
        };
        [
            format!("value {v}"),
            format!("{tangent} {d}"),
            format!("adjoint {a}"),
        ]
    }

    /// The same three symbols in LaTeX (`x_i`, `d_i`, `\bar{x}_i`).
    pub fn latex_columns(&self) -> [String; 3] {
        let l = self.letter;
        match self.style.notation {
            Notation::Lecture => [
                format!("{l}_i"),
                "d_i".to_string(),
                format!("\\bar{{{l}}}_i"),
            ],
            Notation::Griewank => [
                format!("{l}_i"),
                format!("\\dot{{{l}}}_i"),
                format!("\\bar{{{l}}}_i"),
            ],
        }
    }

    /// Where this style's texts go: Unicode or ASCII.
    pub fn target(&self) -> Target {
        if self.style.ascii {
            Target::Ascii
        } else {
            Target::Unicode
        }
    }

    /// A rule tree in this style.
    pub fn math(&self, m: &Math) -> String {
        render::math(m, self, self.target())
    }

    /// A text (words and rule trees) in this style.
    pub fn text(&self, t: &Text) -> String {
        render::text(t, self, self.target())
    }

    /// `text`, appended (exports reuse their buffers).
    pub fn push_text(&self, out: &mut String, t: &Text) {
        render::push_text(out, t, self, self.target())
    }

    /// A rule tree as LaTeX math.
    pub fn latex(&self, m: &Math) -> String {
        render::math(m, self, Target::Latex)
    }

    /// A text as LaTeX math (words in `\text{…}`).
    pub fn latex_text(&self, t: &Text) -> String {
        render::text(t, self, Target::Latex)
    }

    /// A number in rule texts: trimmed (2, 0.1413, -0.8432).
    pub fn num(&self, x: f64) -> String {
        num(x, self.style.precision)
    }

    /// Make a text ASCII if the style asks for it.
    pub fn out(&self, s: String) -> String {
        if self.style.ascii { to_ascii(&s) } else { s }
    }
}

/// The letter of a trace's default labels in a notation: the first of
/// the notation's letters that no name of the trace could be read as a
/// label of (`x3`, `x_3`, `x[2]`). Reads every row's name.
pub fn label_letter(trace: &Trace, notation: Notation) -> &'static str {
    let candidates: &[&'static str] = match notation {
        Notation::Lecture => &["x", "v", "w", "u", "z", "t"],
        Notation::Griewank => &["v", "w", "u", "z", "t"],
    };
    let clashes = |letter: &str| {
        trace.names().flatten().any(|name| {
            name.strip_prefix(letter).is_some_and(|rest| {
                // An entry x[2] reads x_{2} in LaTeX and too close
                // to the label x2 anywhere.
                if rest.starts_with('[') {
                    return true;
                }
                let rest = rest.strip_prefix('_').unwrap_or(rest);
                let rest = rest.strip_prefix('-').unwrap_or(rest);
                !rest.is_empty()
                    && rest
                        .chars()
                        .all(|c| c.is_ascii_digit() || ('₀'..='₉').contains(&c))
            })
        })
    };
    candidates
        .iter()
        .copied()
        .find(|l| !clashes(l))
        .unwrap_or(candidates[0])
}

/// A row's symbol in LaTeX math (its name, else its label).
pub fn latex_name_or(n: &Names, row: usize) -> String {
    n.symbol(Sym::Val(row as u32), Target::Latex)
}

/// Words for LaTeX text: ASCII, with TeX's special characters escaped.
pub fn latex_words(s: &str) -> String {
    latex_escape(&to_ascii(s))
}

/// Put a combining accent over the first character of a name.
pub fn accent(name: &str, mark: char) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    let mut chars = name.chars();
    if let Some(c) = chars.next() {
        out.push(c);
        out.push(mark);
    }
    out.extend(chars);
    out
}

/// A number with `precision` significant digits, trailing zeros trimmed
/// (`0.8415`, `2.718`, `1`), in scientific notation outside [10⁻³, 10⁶)
/// (`2.7e-10`, `1.0e-05`): fixed decimals would print a tiny derivative as
/// `0` and `1e300` as 301 digits.
pub fn num(x: f64, precision: usize) -> String {
    let mut out = String::with_capacity(24);
    push_num(&mut out, x, precision);
    out
}

/// `num` by the standard formatting: what the fast paths must write.
fn num_std(x: f64, precision: usize) -> String {
    if !x.is_finite() {
        return nonfinite(x).to_string();
    }
    let s = significant_std(x, precision);
    let trimmed = match s.split_once('e') {
        Some((m, e)) => {
            // Keep one decimal in a mantissa (`1.0e-05`): the `e` then reads
            // as an exponent, not as Euler's number times something.
            let m = if m.contains('.') {
                let t = m.trim_end_matches('0');
                if t.ends_with('.') {
                    format!("{t}0")
                } else {
                    t.to_string()
                }
            } else {
                format!("{m}.0")
            };
            format!("{m}e{e}")
        }
        None if s.contains('.') => {
            let mut s = s;
            let keep = s.trim_end_matches('0').trim_end_matches('.').len();
            s.truncate(keep);
            s
        }
        None => s,
    };
    if trimmed == "-0" {
        "0".to_string()
    } else {
        trimmed
    }
}

/// `num(x, precision)`, appended: the common cases (a decimal or a
/// mantissa far from a tie) written without a temporary string or the
/// exact (bignum) formatting, for exports of many numbers.
pub fn push_num(out: &mut String, x: f64, precision: usize) {
    let Some((n, d)) = decimal(x, precision) else {
        match exponent_digits(x, precision) {
            Some((n, e)) => push_exponent(out, x.is_sign_negative(), n, e, true),
            None => out.push_str(&num_std(x, precision)),
        }
        return;
    };
    // Trailing zeros trimmed, as `num` does (n ≥ 1 here: no `-0`).
    let (mut n, mut d) = (n, d);
    while d > 0 && n % 10 == 0 {
        n /= 10;
        d -= 1;
    }
    push_decimal(out, x.is_sign_negative(), n, d);
}

/// A printed number as LaTeX math: non-finite numbers as words, not
/// products of italic letters; `2.7e-10` as `2.7 \times 10^{-10}`.
pub fn latex_number(s: &str) -> String {
    match s {
        "NaN" => r"\mathrm{NaN}".into(),
        "inf" => r"\infty".into(),
        "-inf" => r"-\infty".into(),
        _ => match s.split_once('e') {
            Some((m, e)) => {
                let e = e.trim_start_matches('+');
                let (neg, digits) = e.strip_prefix('-').map_or(("", e), |d| ("-", d));
                let digits = digits.trim_start_matches('0');
                format!(r"{m} \times 10^{{{neg}{digits}}}")
            }
            None => s.to_string(),
        },
    }
}

/// A number with exactly `precision` significant digits (trailing zeros
/// kept), for table columns: `1.000`, `0.8415`, `2.700e-10`.
pub fn fixed(x: f64, precision: usize) -> String {
    if !x.is_finite() {
        return nonfinite(x).to_string();
    }
    let s = significant(x, precision);
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// `fixed(x, precision).len()` without formatting: table widths over a
/// million-row trace are worked out from the magnitudes alone.
pub fn fixed_width(x: f64, precision: usize) -> usize {
    if !x.is_finite() {
        return nonfinite(x).len();
    }
    let p = precision.clamp(1, 17);
    let a = x.abs();
    if a == 0.0 {
        return if p == 1 { 1 } else { p + 1 };
    }
    let sign = usize::from(x.is_sign_negative());
    let mut mag = a.log10().floor() as i32;
    // log10 can be off by one next to a power of ten; rounding to p
    // digits can carry into the next one (9.9996 → 10.000).
    if 10f64.powi(mag) > a {
        mag -= 1;
    } else if 10f64.powi(mag + 1) <= a {
        mag += 1;
    }
    if (1e-3..1e6).contains(&a) {
        let d = (p as i32 - 1 - mag).max(0);
        let scaled = a * 10f64.powi(d);
        let rounded = scaled.round();
        let carry = rounded >= 10f64.powi(mag + d + 1);
        let int_digits = if carry { mag + 1 } else { mag };
        // As `significant`: after a carry, one decimal fewer.
        let d = if carry && d > 0 { d - 1 } else { d };
        let int_len = if int_digits < 0 {
            1
        } else {
            int_digits as usize + 1
        };
        let frac = if d > 0 { d as usize + 1 } else { 0 };
        // A negative number that rounds to zero prints without its sign.
        let sign = if rounded == 0.0 { 0 } else { sign };
        return sign + int_len + frac;
    }
    let carry = (a / 10f64.powi(mag) * 10f64.powi(p as i32 - 1)).round() >= 10f64.powi(p as i32);
    let e = (mag + i32::from(carry)).unsigned_abs();
    let mantissa = if p > 1 { p + 1 } else { 1 };
    sign + mantissa + 2 + if e >= 100 { 3 } else { 2 }
}

/// `p` significant digits (at least 1, at most 17): decimals in
/// [10⁻³, 10⁶) — every integer digit shown, so no false zeros —, otherwise
/// a mantissa and a signed two-digit exponent, as C's `%e`.
fn significant(x: f64, p: usize) -> String {
    let p = p.clamp(1, 17);
    let a = x.abs();
    if a == 0.0 {
        return if p == 1 {
            "0".into()
        } else {
            format!("0.{}", "0".repeat(p - 1))
        };
    }
    if let Some(d) = decimal_places(a, p) {
        let s = decimals(x, d);
        // Rounding can carry into the next power of ten (0.0099999 →
        // 0.010000 at 4 digits): one decimal fewer gives p digits again.
        return if d > 0 && significant_digits(&s) > p {
            decimals(x, d - 1)
        } else {
            s
        };
    }
    if let Some((n, e)) = exponent_digits(x, p) {
        let mut out = String::with_capacity(24);
        push_exponent(&mut out, x.is_sign_negative(), n, e, false);
        return out;
    }
    significant_std(x, p)
}

/// The significant digits of a decimal text (`0.01000` has 4).
fn significant_digits(s: &str) -> usize {
    s.bytes()
        .skip_while(|&b| matches!(b, b'-' | b'0' | b'.'))
        .filter(u8::is_ascii_digit)
        .count()
}

/// `significant` by the standard formatting.
fn significant_std(x: f64, p: usize) -> String {
    let p = p.clamp(1, 17);
    if x == 0.0 || decimal_places(x.abs(), p).is_some() {
        return significant(x, p);
    }
    let s = format!("{:.*e}", p - 1, x);
    let (m, e) = s.split_once('e').expect("LowerExp writes an exponent");
    let e: i32 = e.parse().expect("LowerExp writes an integer exponent");
    // Rounding can carry into a new power of ten (9.9996e5 → 1.000e6)
    // and land back inside the decimal range; that is still exact text.
    let sign = if e < 0 { '-' } else { '+' };
    format!("{m}e{sign}{:02}", e.abs())
}

/// `format!("{x:.p$}")` for a finite x, the same text, without the
/// exact (bignum) formatting on the common path: x·10^p is rounded in
/// floating point when that cannot change the result (far from a tie, and
/// small enough for an exact integer); otherwise the standard formatting.
/// Exports of a large trace format millions of numbers.
fn decimals(x: f64, p: usize) -> String {
    match scaled_digits(x.abs(), p) {
        Some(n) => {
            let mut out = String::with_capacity(20);
            push_decimal(&mut out, x.is_sign_negative(), n, p);
            out
        }
        None => format!("{x:.p$}"),
    }
}

/// The integer `n` read with `d` decimals (`-`, then `12.3400` or
/// `0.0012`), appended.
fn push_decimal(out: &mut String, negative: bool, n: u64, d: usize) {
    let mut b = itoa::Buffer::new();
    let digits = b.format(n);
    if negative {
        out.push('-');
    }
    if d == 0 {
        out.push_str(digits);
    } else if digits.len() > d {
        let (int, frac) = digits.split_at(digits.len() - d);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', d - digits.len()));
        out.push_str(digits);
    }
}

/// The decimals `num` writes for a magnitude `a` at `p` significant
/// digits, where it writes decimals: in [10⁻³, 10⁶), every integer digit.
fn decimal_places(a: f64, p: usize) -> Option<usize> {
    // The power of ten by comparisons: exact (each bound below 1 is the
    // double just above its power), where log10 rounds next to a power.
    const ABOVE: [f64; 8] = [1e-2, 1e-1, 1.0, 1e1, 1e2, 1e3, 1e4, 1e5];
    (1e-3..1e6).contains(&a).then(|| {
        let mag = ABOVE.iter().take_while(|&&b| a >= b).count() as i64 - 3;
        (p.clamp(1, 17) as i64 - 1 - mag).max(0) as usize
    })
}

/// `x` at `p` significant digits as an integer and its decimals, where
/// `num` writes decimals and floating point rounds exactly.
fn decimal(x: f64, p: usize) -> Option<(u64, usize)> {
    let d = decimal_places(x.abs(), p)?;
    Some((scaled_digits(x.abs(), d)?, d))
}

/// The powers of ten a double holds exactly.
const POW10: [f64; 23] = [
    1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Where `num` writes a mantissa and an exponent: `x`'s `p` significant
/// digits as an integer n (10^(p−1) ≤ n < 10^p) and the exponent e, so
/// that x ≈ n·10^(e+1−p), when one floating-point product or quotient by
/// an exact power of ten gives the digits exactly (far from a tie): the
/// digits `format!("{x:.(p-1)e}")` writes.
fn exponent_digits(x: f64, p: usize) -> Option<(u64, i32)> {
    let a = x.abs();
    if !a.is_finite() || a == 0.0 || p > 15 || decimal_places(a, p).is_some() {
        return None;
    }
    let p = p.max(1);
    let mut e = a.log10().floor() as i32;
    // log10 can be off by one next to a power of ten, and rounding can
    // carry into the next one (9.9996e-5 → 1.000e-4): at most two tries.
    for _ in 0..3 {
        let k = p as i32 - 1 - e;
        let scaled = if k >= 0 {
            a * POW10.get(k as usize)?
        } else {
            a / POW10.get(k.unsigned_abs() as usize)?
        };
        let floor = scaled.floor();
        let frac = scaled - floor;
        // The product is off by at most half an ulp of it.
        let margin = 2.0 * f64::EPSILON * scaled.max(1.0);
        if (frac - 0.5).abs() <= margin {
            return None;
        }
        let n = (if frac > 0.5 { floor + 1.0 } else { floor }) as u64;
        if n >= POW10[p] as u64 {
            e += 1;
        } else if n < POW10[p - 1] as u64 {
            e -= 1;
        } else {
            return Some((n, e));
        }
    }
    None
}

/// The `p`-digit integer `n` as a mantissa with exponent `e`, as C's `%e`
/// (`-2.700e-10`); `trim`: trailing zeros of the mantissa dropped but one
/// decimal kept (`1.0e-05`), as `num` writes it.
fn push_exponent(out: &mut String, negative: bool, n: u64, e: i32, trim: bool) {
    let mut b = itoa::Buffer::new();
    let digits = b.format(n);
    if negative {
        out.push('-');
    }
    let (first, rest) = digits.split_at(1);
    out.push_str(first);
    if trim {
        let rest = rest.trim_end_matches('0');
        out.push('.');
        out.push_str(if rest.is_empty() { "0" } else { rest });
    } else if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    out.push_str(if e < 0 { "e-" } else { "e+" });
    let mut b = itoa::Buffer::new();
    let exp = b.format(e.unsigned_abs());
    if exp.len() < 2 {
        out.push('0');
    }
    out.push_str(exp);
}

/// `a`·10^p rounded to an integer, for `a` ≥ 0, when floating point gives
/// it exactly (far from a tie, small enough for an exact integer): the
/// digits `format!("{a:.p$}")` writes.
fn scaled_digits(a: f64, p: usize) -> Option<u64> {
    let scaled = a * POW10.get(p)?;
    if scaled >= 1e15 {
        return None;
    }
    let floor = scaled.floor();
    let frac = scaled - floor;
    // Twice the largest error of the product: half an ulp of it.
    let margin = 2.0 * f64::EPSILON * scaled.max(1.0);
    ((frac - 0.5).abs() > margin).then_some((if frac > 0.5 { floor + 1.0 } else { floor }) as u64)
}

/// The number `num(x, p)` reads, without writing it: checking a rule's
/// arithmetic rounds each of its numbers at several precisions. The
/// digits over a power of ten are the decimal `num` prints, correctly
/// rounded like parsing it; otherwise the printed text is parsed.
pub(crate) fn rounded(x: f64, p: usize) -> f64 {
    let v = if let Some((n, d)) = decimal(x, p) {
        n as f64 / POW10[d]
    } else if let Some((n, e)) = exponent_digits(x, p)
        && let Some(&scale) = POW10.get((e + 1 - p.max(1) as i32).unsigned_abs() as usize)
    {
        // n and the power of ten are exact, so one product or quotient is
        // correctly rounded: what parsing the text gives.
        if e + 1 >= p.max(1) as i32 {
            n as f64 * scale
        } else {
            n as f64 / scale
        }
    } else {
        return num(x, p).parse().unwrap_or(x);
    };
    if x.is_sign_negative() { -v } else { v }
}

/// Whether `num(a, p) == num(b, p)`, without writing either. Texts of
/// different kinds differ (`0`, decimals, mantissa and exponent, `NaN`,
/// `inf`, `-inf`); within a kind, up to 15 digits two texts are equal
/// exactly when the numbers they read as are (a double holds 15 decimal
/// digits), which `rounded` gives.
pub(crate) fn same_printed(a: f64, b: f64, p: usize) -> bool {
    match (printed(a, p), printed(b, p)) {
        (Some(x), Some(y)) => x == y,
        _ => num(a, p) == num(b, p),
    }
}

/// What `num(x, p)` writes, as a kind of text and the number it reads as
/// (0 for `0`, `NaN` and the infinities): equal exactly when the texts
/// are. None above 15 digits, where only the texts tell.
pub(crate) fn printed(x: f64, p: usize) -> Option<(u8, f64)> {
    if p > 15 {
        return None;
    }
    Some(if x.is_nan() {
        (0, 0.0)
    } else if x.is_infinite() {
        (if x > 0.0 { 1 } else { 2 }, 0.0)
    } else if x == 0.0 {
        (3, 0.0)
    } else if decimal_places(x.abs(), p).is_some() {
        (4, rounded(x, p))
    } else {
        (5, rounded(x, p))
    })
}

fn nonfinite(x: f64) -> &'static str {
    if x.is_nan() {
        "NaN"
    } else if x > 0.0 {
        "inf"
    } else {
        "-inf"
    }
}

/// Replace every Unicode symbol our texts use by an ASCII spelling.
pub fn to_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '−' => out.push('-'),
            '·' => out.push('*'),
            '²' => out.push_str("^2"),
            '³' => out.push_str("^3"),
            '′' => out.push('\''),
            '∂' => out.push('d'),
            'σ' => out.push_str("sigmoid"),
            'Σ' => out.push_str("sum"),
            'ᵢ' => out.push_str("_i"),
            'ⱼ' => out.push_str("_j"),
            MACRON => out.push_str("_bar"),
            DOT_ABOVE => out.push_str("_dot"),
            '→' => out.push_str("->"),
            '←' => out.push_str("<-"),
            '…' => out.push_str("..."),
            '─' | '━' => out.push('-'),
            '│' | '┃' => out.push('|'),
            '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' => out.push('+'),
            '▼' | '↓' => out.push('v'),
            '▶' | '▸' => out.push('>'),
            '◀' => out.push('<'),
            '•' => out.push('*'),
            'ε' => out.push_str("eps"),
            '×' => out.push('x'),
            '≈' => out.push('~'),
            c if c.is_ascii() => out.push(c),
            c => match c as u32 {
                0x2080..=0x2089 => out.push(char::from(b'0' + (c as u32 - 0x2080) as u8)),
                0x208B => out.push('-'),
                _ => out.push('?'),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::syntax::parse;
    use crate::core::trace::{Options, build};

    fn trace(src: &str) -> Trace {
        build(src, &parse(src).unwrap(), Options::default()).unwrap()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20000))]
        /// The fast decimal formatting writes exactly what the standard
        /// formatting writes, ties and all.
        #[test]
        fn decimals_match_the_standard_formatting(
            bits in proptest::prelude::any::<u64>(),
            m in -2_000_000i64..2_000_000,
            e in 0u32..9,
            p in 0usize..10,
        ) {
            let x = f64::from_bits(bits);
            if x.is_finite() {
                proptest::prop_assert_eq!(decimals(x, p), format!("{x:.p$}"));
            }
            // Numbers of a few decimals, and exact ties like 0.125 or 2.5.
            let y = m as f64 / 10f64.powi(e as i32);
            proptest::prop_assert_eq!(decimals(y, p), format!("{y:.p$}"));
            let t = m as f64 / 2f64.powi(e as i32 + 1);
            proptest::prop_assert_eq!(decimals(t, p), format!("{t:.p$}"));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20000))]
        /// Mantissas and exponents written without the standard formatting
        /// are its text exactly, at every precision, and read back as it.
        #[test]
        fn exponents_match_the_standard_formatting(
            bits in proptest::prelude::any::<u64>(),
            m in 1_000i64..100_000,
            e in -40i32..40,
            p in 1usize..=17,
        ) {
            // Any double; and few-digit mantissas (ties like 1.2345e-7 at
            // four digits) over a range of powers of ten, either sign.
            let tie = m as f64 / 1e4 * 10f64.powi(e);
            for x in [f64::from_bits(bits), tie, -tie] {
                if x.is_finite() {
                    proptest::prop_assert_eq!(significant(x, p), significant_std(x, p));
                    proptest::prop_assert_eq!(num(x, p), num_std(x, p));
                    let want: f64 = num_std(x, p).parse().unwrap();
                    proptest::prop_assert_eq!(rounded(x, p).to_bits(), want.to_bits());
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20000))]
        /// Telling whether two numbers print the same without printing
        /// them agrees with printing them: for neighbours, numbers across a
        /// change of notation, and any two doubles.
        #[test]
        fn same_printed_is_comparing_the_texts(
            bits in proptest::prelude::any::<u64>(),
            other in proptest::prelude::any::<u64>(),
            m in -2_000_000i64..2_000_000,
            e in -12i32..12,
            ulps in -3i64..=3,
            p in 1usize..=17,
        ) {
            let x = m as f64 / 1e4 * 10f64.powi(e);
            let near = |y: f64, k: i64| f64::from_bits((y.to_bits() as i64 + k) as u64);
            let pairs = [
                (f64::from_bits(bits), f64::from_bits(other)),
                (x, near(x, ulps)),
                (x, x * (1.0 + 1e-6 * ulps as f64)),
                (999_999.7, 1_000_000.2),
                (0.0, -0.0),
                (f64::NAN, -f64::NAN),
            ];
            for (a, b) in pairs {
                proptest::prop_assert_eq!(same_printed(a, b, p), num(a, p) == num(b, p), "{} {} at {}", a, b, p);
            }
        }
    }

    #[test]
    fn lecture_labels_and_symbols() {
        let t = trace("W0 = 2; L = (1.2*tanh(W0*x) - 2)^2");
        let n = Names::new(&t, Style::default());
        assert_eq!(n.label(0), "x0");
        assert_eq!(n.sym(0), "x");
        assert_eq!(n.label(5), "x5");
        assert_eq!(n.sym(5), "L");
        assert_eq!(n.tangent(2), "d2");
        assert_eq!(n.tangent(5), "d5");
        assert_eq!(n.adjoint(2), "x\u{304}2");
    }

    #[test]
    fn labels_avoid_program_names() {
        let t = trace("f(x1, x2) = ln(x1) + x1*x2 - sin(x2)");
        let n = Names::new(&t, Style::default());
        assert_eq!(n.label(2), "v2");
        let g = Names::new(
            &t,
            Style {
                notation: Notation::Griewank,
                ..Style::default()
            },
        );
        assert_eq!(g.label(0), "v₋₁");
        assert_eq!(g.label(1), "v₀");
        assert_eq!(g.label(2), "v₁");
        assert_eq!(g.tangent(2), "v\u{307}₁");
        let a = Names::new(
            &t,
            Style {
                notation: Notation::Griewank,
                ascii: true,
                precision: 4,
            },
        );
        assert_eq!(a.label(0), "v_-1");
        assert_eq!(a.tangent(3), "dot(v_2)");
        assert_eq!(a.adjoint(0), "bar(x1)");
        // x₁ reads as the label x1 too.
        let t = trace("f(x₁) = sin(x₁)");
        assert_eq!(Names::new(&t, Style::default()).label(1), "v1");
    }

    #[test]
    fn rounded_reads_as_printed() {
        // Every precision, over magnitudes in and out of the decimal range,
        // near ties (x.xxx5) included: the same f64 as parsing the text.
        let mut bits: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..30_000 {
            bits ^= bits << 13;
            bits ^= bits >> 7;
            bits ^= bits << 17;
            let mantissa = (bits % 10_000_000) as f64 / 1e6;
            let x = mantissa * 10f64.powi((bits >> 40) as i32 % 12 - 5);
            let x = if bits & 1 == 0 { x } else { -x };
            let tie = (bits % 100_000) as f64 / 1e4 + 0.00005;
            for p in 1..=17 {
                for v in [x, tie] {
                    let want: f64 = num(v, p).parse().unwrap();
                    assert_eq!(rounded(v, p).to_bits(), want.to_bits(), "{v} at {p}");
                }
            }
        }
        assert_eq!(rounded(0.84147098, 4), 0.8415);
        // and the appended text is the text.
        let mut bits: u64 = 0x1234_5678_9ABC_DEF1;
        for _ in 0..30_000 {
            bits ^= bits << 13;
            bits ^= bits >> 7;
            bits ^= bits << 17;
            let x = (bits % 100_000_000) as f64 / 1e7 * 10f64.powi((bits >> 40) as i32 % 12 - 5);
            let x = if bits & 1 == 0 { x } else { -x };
            for p in [1, 2, 4, 6, 9, 17] {
                let mut out = String::from("=");
                push_num(&mut out, x, p);
                assert_eq!(out, format!("={}", num(x, p)), "{x} at {p}");
            }
        }
        assert_eq!(rounded(-0.7348123, 3), -0.735);
        assert_eq!(rounded(123456.7, 2), 123457.0);
    }

    #[test]
    fn numbers() {
        assert_eq!(num(2.0, 4), "2");
        assert_eq!(num(0.141_300_1, 4), "0.1413");
        assert_eq!(num(std::f64::consts::E, 4), "2.718");
        assert_eq!(num(10.873_1, 4), "10.87");
        assert_eq!(num(123_456.7, 4), "123457");
        // Small and large magnitudes switch to scientific notation rather
        // than printing 0 or 301 digits.
        assert_eq!(num(-0.000_01, 4), "-1.0e-05");
        assert_eq!(num(2.7e-10, 4), "2.7e-10");
        assert_eq!(num(1e300, 4), "1.0e+300");
        assert_eq!(num(0.001_234_5, 3), "0.00123");
        assert_eq!(num(f64::NAN, 4), "NaN");
        assert_eq!(num(0.0, 4), "0");
        assert_eq!(fixed(1.0, 4), "1.000");
        assert_eq!(fixed(0.0, 4), "0.000");
        assert_eq!(fixed(-0.000_01, 4), "-1.000e-05");
        assert_eq!(fixed(-0.843_2, 2), "-0.84");
        assert_eq!(fixed(2.7e-10, 2), "2.7e-10");
        // Rounding into the next power of ten keeps the digits asked for.
        assert_eq!(fixed(0.0099999, 4), "0.01000");
        assert_eq!(fixed(9.9996, 4), "10.00");
        assert_eq!(fixed(-0.99996, 2), "-1.0");
        assert_eq!(fixed(0.96, 1), "1");
        assert_eq!(fixed(0.0099, 4), "0.009900");
        assert_eq!(fixed(f64::NEG_INFINITY, 2), "-inf");
    }

    #[test]
    fn ascii_fallback_covers_rule_texts() {
        let s = to_ascii("d/dw tanh(g(w)) = (1 − tanh²(g(w)))·g′(w); c̄ = ∂d/∂c; v₋₁");
        assert_eq!(
            s,
            "d/dw tanh(g(w)) = (1 - tanh^2(g(w)))*g'(w); c_bar = dd/dc; v-1"
        );
        assert!(s.is_ascii());
    }

    proptest::proptest! {
        #[test]
        fn widths_match_the_formatting(
            m in -1.0f64..1.0,
            e in -320i32..310,
            p in 1usize..=17,
        ) {
            let x = m * 10f64.powi(e);
            proptest::prop_assert_eq!(fixed_width(x, p), fixed(x, p).len(), "{} at {}", x, p);
        }
    }

    #[test]
    fn widths_at_the_edges() {
        for x in [
            0.0,
            -0.0,
            9.9996,
            0.0099999,
            0.099996,
            -0.99996,
            9.99996e5,
            999_999.9,
            1e6,
            1e-3,
            0.000_999_96,
            -0.000_000_1,
            1e100,
            9.99999e99,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            -1.0,
            0.5,
            f64::NAN,
            f64::INFINITY,
        ] {
            for p in 1..=17 {
                assert_eq!(fixed_width(x, p), fixed(x, p).len(), "{x} at {p}");
            }
        }
    }
}
