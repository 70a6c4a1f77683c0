//! Rule trees into characters: Unicode (`x4²`, `(1 − tanh²(x1))·d1`),
//! ASCII (`x4^2`, `(1 - tanh(x1)^2)*d1`) and LaTeX (`x_{4}^{2}`,
//! `\frac{d_{3}}{2 \cdot \sqrt{x_{3}}}`) from the same tree, with the
//! parentheses the precedence needs and no others.
//!
//! Owns spelling only: which symbol a row has is `Names`', which rule a row
//! follows is `ops`' and `explain`'s. Must not change a tree's shape.

use std::fmt::Write as _;

use super::{DOT_ABOVE, MACRON, Names, Notation, accent, num, to_ascii};
use crate::core::ops::Op;
use crate::core::ops::math::{Func, Math, Piece, Sym, Text};

/// What characters a rendering may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Unicode,
    Ascii,
    Latex,
}

/// Where a tree sits, which decides its parentheses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum At {
    /// Nothing around it: a whole rule, a function's argument.
    Top,
    /// The first term of a sum.
    FirstTerm,
    /// A later term of a sum (after + or −).
    Term,
    /// A factor of a product.
    Factor,
    Numerator,
    Denominator,
    /// A power's base and exponent.
    Base,
    Exponent,
    /// After a unary minus.
    Negated,
    /// After d/dw.
    Derived,
}

pub fn text(t: &Text, names: &Names, target: Target) -> String {
    // Room for a typical rule: growing from empty is most of the allocation.
    let mut out = String::with_capacity(96);
    push_text(&mut out, t, names, target);
    out
}

/// `text`, appended.
pub fn push_text(out: &mut String, t: &Text, names: &Names, target: Target) {
    let p = names.style.precision;
    // `… = numbers = result`: the numbers get digits enough that their
    // written arithmetic gives the written result (`0.26 + 0.55 = 0.8`
    // would not); the result keeps the display precision.
    for (k, piece) in t.0.iter().enumerate() {
        match piece {
            Piece::Math(m) => {
                let precision = match t.0.get(k + 1..k + 3) {
                    Some([Piece::Equals, Piece::Math(Math::Num(r))])
                        if !matches!(m, Math::Num(_) | Math::Lit(_)) =>
                    {
                        checking_digits(m, *r, p)
                    }
                    _ => p,
                };
                R {
                    names,
                    target,
                    precision,
                }
                .go(m, At::Top, out)
            }
            Piece::Equals => out.push_str(" = "),
            Piece::Words(w) => match target {
                Target::Unicode => out.push_str(w),
                Target::Ascii => out.push_str(&to_ascii(w)),
                Target::Latex => {
                    out.push_str("\\text{");
                    out.push_str(&latex_escape(&to_ascii(w)));
                    out.push('}');
                }
            },
        }
    }
}

pub fn math(m: &Math, names: &Names, target: Target) -> String {
    let mut out = String::with_capacity(48);
    R {
        names,
        target,
        precision: names.style.precision,
    }
    .go(m, At::Top, &mut out);
    out
}

/// The fewest significant digits, from `p` up to 17, at which `m`'s
/// arithmetic on its numbers as printed gives `result` as printed at `p`;
/// `p` when none does. Cancellation needs many (`sin(1 + 1e-8) − sin(1)`
/// is written `0.84147099 − 0.84147098`): that is the lesson, not noise.
fn checking_digits(m: &Math, result: f64, p: usize) -> usize {
    if !result.is_finite() {
        return p;
    }
    let unknown = |_| f64::NAN;
    // The result's printed form, worked out once for every try.
    let want = super::printed(result, p);
    (p..=17.max(p))
        .find(|&q| {
            let shown = |x: f64| super::rounded(x, q);
            let got = m.eval_with(&unknown, &shown);
            match want {
                Some(w) => super::printed(got, p) == Some(w),
                None => super::same_printed(got, result, p),
            }
        })
        .unwrap_or(p)
}

struct R<'a, 'n> {
    names: &'a Names<'n>,
    target: Target,
    /// Significant digits of computed numbers.
    precision: usize,
}

impl R<'_, '_> {
    fn latex(&self) -> bool {
        self.target == Target::Latex
    }

    fn parens(&self, m: &Math, at: At) -> bool {
        use At::*;
        match m {
            Math::Sym(_) | Math::Call(..) | Math::SumOver(..) => false,
            // A literal is written with its sign (-0 as 0).
            Math::Lit(x) => *x < 0.0 && !matches!(at, Top | FirstTerm),
            // By the printed form: -0.0001 printed at 4 decimals is 0.
            Math::Num(_) => self.number(m).starts_with('-') && !matches!(at, Top | FirstTerm),
            Math::Sum(_) => !matches!(at, Top | FirstTerm),
            Math::Neg(_) => matches!(
                at,
                Term | Factor | Denominator | Base | Exponent | Negated | Derived
            ),
            Math::Prod(_) => matches!(at, Denominator | Base | Exponent | Derived),
            // LaTeX's \frac is a block: it needs parentheses only as a base.
            Math::Div(..) if self.latex() => at == Base,
            Math::Div(..) => matches!(
                at,
                Factor | Numerator | Denominator | Base | Exponent | Derived
            ),
            Math::Pow(..) => matches!(at, Base | Exponent),
            Math::Deriv(_) => at != Top,
        }
    }

    fn number(&self, m: &Math) -> String {
        let s = match m {
            Math::Lit(x) => literal(*x, self.names.style.precision),
            Math::Num(x) => num(*x, self.precision),
            _ => String::new(),
        };
        if !self.latex() {
            return s;
        }
        super::latex_number(&s)
    }

    fn go(&self, m: &Math, at: At, out: &mut String) {
        if let Math::Num(x) = m
            && !self.latex()
        {
            // The common number, written once (parentheses by its sign).
            let start = out.len();
            super::push_num(out, *x, self.precision);
            if out[start..].starts_with('-') && !matches!(at, At::Top | At::FirstTerm) {
                out.insert(start, '(');
                out.push(')');
            }
            return;
        }
        if self.parens(m, at) {
            out.push('(');
            self.bare(m, out);
            out.push(')');
        } else {
            self.bare(m, out);
        }
    }

    fn minus(&self) -> &'static str {
        match self.target {
            Target::Unicode => "−",
            Target::Ascii | Target::Latex => "-",
        }
    }

    fn bare(&self, m: &Math, out: &mut String) {
        match m {
            Math::Sym(s) => push_symbol(out, *s, self.names, self.target),
            Math::Lit(_) | Math::Num(_) => out.push_str(&self.number(m)),
            Math::Neg(a) => {
                out.push_str(self.minus());
                self.go(a, At::Negated, out);
            }
            Math::Sum(terms) => {
                for (k, t) in terms.iter().enumerate() {
                    if k == 0 {
                        self.go(t, At::FirstTerm, out);
                    } else if let Math::Neg(inner) = t {
                        out.push(' ');
                        out.push_str(self.minus());
                        out.push(' ');
                        self.go(inner, At::Negated, out);
                    } else {
                        out.push_str(" + ");
                        self.go(t, At::Term, out);
                    }
                }
            }
            Math::Prod(fs) => {
                let dot = match self.target {
                    Target::Unicode => "·",
                    Target::Ascii => "*",
                    Target::Latex => " \\cdot ",
                };
                for (k, f) in fs.iter().enumerate() {
                    if k > 0 {
                        out.push_str(dot);
                    }
                    self.go(f, At::Factor, out);
                }
            }
            Math::Div(a, b) => {
                if self.latex() {
                    out.push_str("\\frac{");
                    self.go(a, At::Top, out);
                    out.push_str("}{");
                    self.go(b, At::Top, out);
                    out.push('}');
                } else {
                    self.go(a, At::Numerator, out);
                    out.push('/');
                    self.go(b, At::Denominator, out);
                }
            }
            Math::Pow(a, b) => self.power(a, b, out),
            Math::Call(f, a) => self.call(*f, a, out),
            Math::Deriv(a) => {
                out.push_str(if self.latex() {
                    "\\frac{d}{dw} "
                } else {
                    "d/dw "
                });
                self.go(a, At::Derived, out);
            }
            Math::SumOver(i, body) => {
                match self.target {
                    Target::Unicode => {
                        out.push('Σ');
                        out.push(subscript_letter(*i));
                    }
                    Target::Ascii => {
                        out.push_str("sum_");
                        out.push(*i);
                    }
                    Target::Latex => {
                        out.push_str("\\sum_{");
                        out.push(*i);
                        out.push('}');
                    }
                }
                out.push(' ');
                self.go(body, At::Top, out);
            }
        }
    }

    fn power(&self, a: &Math, b: &Math, out: &mut String) {
        let small = match b {
            Math::Lit(x) if *x == 2.0 => Some(('²', "2")),
            Math::Lit(x) if *x == 3.0 => Some(('³', "3")),
            _ => None,
        };
        // tan²(x): a named function squared, as the lecture writes it.
        if let (Some((sup, digit)), Math::Call(Func::Op(op), arg)) = (small, a)
            && matches!(op, Op::Sin | Op::Cos | Op::Tan | Op::Tanh | Op::Sigmoid)
        {
            match self.target {
                Target::Unicode => {
                    out.push_str(func_name(*op, self.target));
                    out.push(sup);
                    out.push('(');
                    self.go(arg, At::Top, out);
                    out.push(')');
                }
                Target::Ascii => {
                    self.call(Func::Op(*op), arg, out);
                    out.push('^');
                    out.push_str(digit);
                }
                Target::Latex => {
                    out.push_str(func_name(*op, self.target));
                    out.push_str("^{");
                    out.push_str(digit);
                    out.push_str("}(");
                    self.go(arg, At::Top, out);
                    out.push(')');
                }
            }
            return;
        }
        self.go(a, At::Base, out);
        match (self.target, small) {
            (Target::Unicode, Some((sup, _))) => out.push(sup),
            (Target::Latex, _) => {
                // Braces group the exponent: no parentheses needed.
                out.push_str("^{");
                self.go(b, At::Top, out);
                out.push('}');
            }
            _ => {
                out.push('^');
                self.go(b, At::Exponent, out);
            }
        }
    }

    fn call(&self, f: Func, a: &Math, out: &mut String) {
        let t = self.target;
        match f {
            Func::Abs if t == Target::Latex => {
                out.push_str("\\lvert ");
                self.go(a, At::Top, out);
                out.push_str(" \\rvert");
            }
            Func::Abs if t == Target::Unicode => {
                out.push('|');
                self.go(a, At::Top, out);
                out.push('|');
            }
            Func::Positive => {
                out.push('[');
                self.go(a, At::Top, out);
                out.push_str(" > 0]");
            }
            Func::Op(Op::Sqrt) if t == Target::Latex => {
                out.push_str("\\sqrt{");
                self.go(a, At::Top, out);
                out.push('}');
            }
            _ => {
                let name = match f {
                    Func::Op(op) => func_name(op, t),
                    Func::Sign if t == Target::Latex => "\\operatorname{sign}",
                    Func::Sign => "sign",
                    Func::Abs => "abs",
                    Func::Positive => "",
                };
                out.push_str(name);
                out.push('(');
                self.go(a, At::Top, out);
                out.push(')');
            }
        }
    }
}

/// A function's name in rules.
fn func_name(op: Op, t: Target) -> &'static str {
    match (op, t) {
        (Op::Sigmoid, Target::Unicode) => "σ",
        (Op::Sigmoid, Target::Ascii) => "sigmoid",
        (Op::Sigmoid, Target::Latex) => "\\sigma",
        (Op::Sin, Target::Latex) => "\\sin",
        (Op::Cos, Target::Latex) => "\\cos",
        (Op::Tan, Target::Latex) => "\\tan",
        (Op::Exp, Target::Latex) => "\\exp",
        (Op::Ln, Target::Latex) => "\\ln",
        (Op::Tanh, Target::Latex) => "\\tanh",
        (Op::Sqrt, Target::Latex) => "\\sqrt",
        (Op::Relu, Target::Latex) => "\\operatorname{relu}",
        (Op::Softplus, Target::Latex) => "\\operatorname{softplus}",
        (op, _) => op.name(),
    }
}

/// A number written in the program: as written (its shortest exact
/// form), unless that is long (2π folded into 6.283185307179586), then at
/// the display precision.
pub fn literal(x: f64, precision: usize) -> String {
    if x == 0.0 {
        return "0".into();
    }
    // A whole number of up to ten characters is its digits (`2`, `-3`).
    if x.fract() == 0.0 && x.abs() < 1e9 {
        return itoa::Buffer::new().format(x as i64).to_string();
    }
    if !x.is_finite() {
        return format!("{x}");
    }
    // As typed where that is short: the shortest text that reads back as x,
    // in scientific notation outside [10⁻³, 10⁶) as every number we print.
    let a = x.abs();
    if (1e-3..1e6).contains(&a) || (a.fract() == 0.0 && a < 1e15) {
        let exact = format!("{x}");
        if exact.len() <= 10 {
            return exact;
        }
    } else {
        let exact = format!("{x:e}");
        if let Some((m, e)) = exact.split_once('e')
            && m.len() <= 10
        {
            let m = if m.contains('.') {
                m.to_string()
            } else {
                format!("{m}.0")
            };
            let (sign, e) = e.strip_prefix('-').map_or(('+', e), |e| ('-', e));
            return format!("{m}e{sign}{e:0>2}");
        }
    }
    num(x, precision)
}

fn subscript_letter(c: char) -> char {
    match c {
        'i' => 'ᵢ',
        'j' => 'ⱼ',
        'k' => 'ₖ',
        c => c,
    }
}

/// LaTeX special characters in words.
pub fn latex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '$' | '&' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '^' => out.push_str("\\^{}"),
            '~' => out.push_str("\\~{}"),
            c => out.push(c),
        }
    }
    out
}

/// A program name in ASCII: Greek letters spelled out, anything else
/// outside ASCII as `?`.
pub fn ascii_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        match greek(c) {
            Some(g) => out.push_str(g),
            None if c.is_ascii() => out.push(c),
            None => out.push('?'),
        }
    }
    out
}

/// A program name in LaTeX math that pdflatex typesets as it stands: a
/// Greek letter as its command (θ → `\theta`), an accented letter with its
/// accent (é → `\acute{e}`, x̄ → `\bar{x}`), sub- and superscript digits
/// as scripts, a trailing number as a subscript (W0 → W_{0}), a longer
/// word in \mathit, and a character TeX has no command for by its code
/// point (損 → `\mathrm{U{+}640D}`).
pub fn latex_name(name: &str) -> String {
    // An entry of a vector or matrix: z[2] → z_{2}, W[1,2] → W_{1,2}.
    if let Some((stem, rest)) = name.split_once('[')
        && let Some(index) = rest.strip_suffix(']')
    {
        let stem = latex_name(stem);
        let index = index.replace(' ', "");
        // W1[1,2]: the stem has its own subscript, so it is braced.
        return if stem.contains('_') {
            format!("{{{stem}}}_{{{index}}}")
        } else {
            format!("{stem}_{{{index}}}")
        };
    }
    let split = name
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .len()
        .max(1)
        .min(name.len());
    let (stem, digits) = name.split_at(split);
    let stem = stem.strip_suffix('_').unwrap_or(stem);
    // A Greek letter spelled out (theta, Sigma) is the lecture's letter.
    if let Some(g) = greek_word(stem) {
        return match digits {
            "" => format!("\\{g}"),
            d => format!("\\{g}_{{{d}}}"),
        };
    }
    let mut tex = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, tex: &mut String| {
        if !word.is_empty() {
            if word.chars().count() > 1 {
                tex.push_str(&format!("\\mathit{{{}}}", latex_escape(word)));
            } else {
                tex.push_str(word);
            }
            word.clear();
        }
    };
    let chars: Vec<char> = stem.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        // A run of sub- or superscript digits is one script.
        if let Some(kind) = script_digit(c) {
            let mut run = String::from(kind.1);
            while let Some(k) = chars.get(i).and_then(|&d| script_digit(d))
                && k.0 == kind.0
            {
                run.push(k.1);
                i += 1;
            }
            flush(&mut word, &mut tex);
            let tex_so_far = std::mem::take(&mut tex);
            let base = if tex_so_far.is_empty() {
                "{}".to_string()
            } else if tex_so_far.ends_with('}') && tex_so_far.contains(kind.0) {
                format!("{{{tex_so_far}}}")
            } else {
                tex_so_far
            };
            tex = format!("{base}{}{{{run}}}", kind.0);
            continue;
        }
        let mut marks = Vec::new();
        while let Some(m) = chars.get(i).and_then(|&m| combining_accent(m)) {
            marks.push(m);
            i += 1;
        }
        if marks.is_empty() && (c.is_ascii_alphanumeric() || c == '_') {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut tex);
        // A run of characters TeX has no letters for (損失): their code
        // points, in one \mathrm.
        if marks.is_empty() && !c.is_ascii() && unspelled(c) {
            let mut run = format!("U{{+}}{:04X}", c as u32);
            while let Some(&d) = chars.get(i)
                && unspelled(d)
            {
                let _ = write!(run, "\\,{:04X}", d as u32);
                i += 1;
            }
            let _ = write!(tex, "\\mathrm{{{run}}}");
            continue;
        }
        let mut t = if c.is_ascii_alphanumeric() {
            c.to_string()
        } else {
            tex_letter(c)
        };
        for m in marks {
            t = format!("\\{m}{{{t}}}");
        }
        tex.push_str(&t);
    }
    flush(&mut word, &mut tex);
    let tex = tex.trim_end().to_string();
    if digits.is_empty() {
        tex
    } else if tex.contains('_') {
        format!("{{{tex}}}_{{{digits}}}")
    } else {
        format!("{tex}_{{{digits}}}")
    }
}

/// A character `tex_letter` can only give as a code point.
fn unspelled(c: char) -> bool {
    !c.is_ascii()
        && script_digit(c).is_none()
        && combining_accent(c).is_none()
        && tex_letter(c).starts_with("\\mathrm{U")
}

/// A subscript (`_`) or superscript (`^`) digit and its value.
fn script_digit(c: char) -> Option<(char, char)> {
    let d = |base: u32| char::from_digit(c as u32 - base, 10);
    match c {
        '₀'..='₉' => Some(('_', d(0x2080)?)),
        '⁰' | '⁴'..='⁹' => Some(('^', d(0x2070)?)),
        '¹' => Some(('^', '1')),
        '²' => Some(('^', '2')),
        '³' => Some(('^', '3')),
        _ => None,
    }
}

/// The math accent of a combining mark.
fn combining_accent(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{300}' => "grave",
        '\u{301}' => "acute",
        '\u{302}' => "hat",
        '\u{303}' => "tilde",
        '\u{304}' | '\u{305}' => "bar",
        '\u{306}' => "breve",
        '\u{307}' => "dot",
        '\u{308}' => "ddot",
        '\u{30A}' => "mathring",
        '\u{30C}' => "check",
        '\u{20D7}' => "vec",
        _ => return None,
    })
}

/// One character of a name in LaTeX math: a Greek letter's command (with
/// a space, so a following letter cannot join it), a precomposed accented
/// letter, or the code point.
fn tex_letter(c: char) -> String {
    if let Some(g) = tex_greek(c) {
        return if g.starts_with('\\') {
            format!("{g} ")
        } else {
            g.to_string()
        };
    }
    const ACCENTED: [(&str, &str, &str); 9] = [
        ("grave", "àèìòùÀÈÌÒÙ", "aeiouAEIOU"),
        ("acute", "áéíóúýÁÉÍÓÚÝćńśźĆŃŚŹ", "aeiouyAEIOUYcnszCNSZ"),
        (
            "hat",
            "âêîôûŷĉĝĥĵŝŵÂÊÎÔÛŶĈĜĤĴŜŴ",
            "aeiouycghjswAEIOUYCGHJSW",
        ),
        ("tilde", "ãñõĩũÃÑÕĨŨ", "anoiuANOIU"),
        ("ddot", "äëïöüÿÄËÏÖÜ", "aeiouyAEIOU"),
        ("mathring", "åÅ", "aA"),
        ("check", "čďěňřšťžČĎĚŇŘŠŤŽ", "cdenrstzCDENRSTZ"),
        ("bar", "āēīōūĀĒĪŌŪ", "aeiouAEIOU"),
        ("dot", "ċėġżĊĖĠŻ", "cegzCEGZ"),
    ];
    for (accent, with, base) in ACCENTED {
        if let Some(k) = with.chars().position(|a| a == c) {
            let b = base.chars().nth(k).unwrap_or('?');
            return format!("\\{accent}{{{b}}}");
        }
    }
    match c {
        'ℓ' => "\\ell ".into(),
        'ß' => "\\mathit{ss}".into(),
        'ø' => "\\mathit{o}".into(),
        _ => format!("\\mathrm{{U{{+}}{:04X}}}", c as u32),
    }
}

/// A Greek character in LaTeX math: its command, or the Latin capital it
/// looks like (TeX has no \Alpha).
fn tex_greek(c: char) -> Option<&'static str> {
    const G: [(char, &str); 56] = [
        ('α', "\\alpha"),
        ('β', "\\beta"),
        ('γ', "\\gamma"),
        ('δ', "\\delta"),
        ('ε', "\\varepsilon"),
        ('ϵ', "\\epsilon"),
        ('ζ', "\\zeta"),
        ('η', "\\eta"),
        ('θ', "\\theta"),
        ('ϑ', "\\vartheta"),
        ('ι', "\\iota"),
        ('κ', "\\kappa"),
        ('ϰ', "\\varkappa"),
        ('λ', "\\lambda"),
        ('μ', "\\mu"),
        ('µ', "\\mu"),
        ('ν', "\\nu"),
        ('ξ', "\\xi"),
        ('ο', "o"),
        ('π', "\\pi"),
        ('ϖ', "\\varpi"),
        ('ρ', "\\rho"),
        ('ϱ', "\\varrho"),
        ('σ', "\\sigma"),
        ('ς', "\\varsigma"),
        ('τ', "\\tau"),
        ('υ', "\\upsilon"),
        ('φ', "\\varphi"),
        ('ϕ', "\\phi"),
        ('χ', "\\chi"),
        ('ψ', "\\psi"),
        ('ω', "\\omega"),
        ('Α', "A"),
        ('Β', "B"),
        ('Γ', "\\Gamma"),
        ('Δ', "\\Delta"),
        ('Ε', "E"),
        ('Ζ', "Z"),
        ('Η', "H"),
        ('Θ', "\\Theta"),
        ('Ι', "I"),
        ('Κ', "K"),
        ('Λ', "\\Lambda"),
        ('Μ', "M"),
        ('Ν', "N"),
        ('Ξ', "\\Xi"),
        ('Ο', "O"),
        ('Π', "\\Pi"),
        ('Ρ', "P"),
        ('Σ', "\\Sigma"),
        ('Τ', "T"),
        ('Υ', "\\Upsilon"),
        ('Φ', "\\Phi"),
        ('Χ', "X"),
        ('Ψ', "\\Psi"),
        ('Ω', "\\Omega"),
    ];
    G.iter().find(|(g, _)| *g == c).map(|(_, n)| *n)
}

/// A name that spells a Greek letter LaTeX has a command for.
fn greek_word(w: &str) -> Option<&'static str> {
    const UPPER: [&str; 11] = [
        "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
    ];
    const LOWER: [&str; 24] = [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "zeta",
        "eta",
        "theta",
        "iota",
        "kappa",
        "lambda",
        "mu",
        "nu",
        "xi",
        "pi",
        "rho",
        "sigma",
        "tau",
        "upsilon",
        "phi",
        "chi",
        "psi",
        "omega",
        "varepsilon",
    ];
    UPPER.iter().chain(LOWER.iter()).find(|g| **g == w).copied()
}

/// A Greek letter spelled in ASCII (θ → theta, Γ → Gamma).
fn greek(c: char) -> Option<&'static str> {
    match c {
        'ε' | 'ϵ' => Some("epsilon"),
        'φ' | 'ϕ' => Some("phi"),
        'ο' => Some("omicron"),
        'Α' => Some("Alpha"),
        'Β' => Some("Beta"),
        'Ε' => Some("Epsilon"),
        'Ζ' => Some("Zeta"),
        'Η' => Some("Eta"),
        'Ι' => Some("Iota"),
        'Κ' => Some("Kappa"),
        'Μ' => Some("Mu"),
        'Ν' => Some("Nu"),
        'Ο' => Some("Omicron"),
        'Ρ' => Some("Rho"),
        'Τ' => Some("Tau"),
        'Χ' => Some("Chi"),
        _ => tex_greek(c)
            .and_then(|g| g.strip_prefix('\\'))
            .map(|g| g.strip_prefix("var").unwrap_or(g)),
    }
}

/// A symbol as text.
pub fn symbol(s: Sym, n: &Names, t: Target) -> String {
    let mut out = String::new();
    push_symbol(&mut out, s, n, t);
    out
}

/// A symbol, appended (the renderer writes millions of them): the one
/// place every symbol's spelling is decided, in each notation and target.
fn push_symbol(out: &mut String, s: Sym, n: &Names, t: Target) {
    let lecture = n.style.notation == Notation::Lecture;
    // A row's symbol with an accent over its first character, as `accent`
    // puts it.
    let accented = |out: &mut String, r: u32, mark: char| {
        let start = out.len();
        push_row_symbol(out, r as usize, n, t);
        if let Some(c) = out[start..].chars().next() {
            out.insert(start + c.len_utf8(), mark);
        }
    };
    // `∂a/∂b` in the target's spelling.
    let partial = |out: &mut String, a: &dyn Fn(&mut String), b: &dyn Fn(&mut String)| {
        let (open, mid, close) = match t {
            Target::Unicode => ("∂", "/∂", ""),
            Target::Ascii => ("d", "/d", ""),
            Target::Latex => ("\\frac{\\partial ", "}{\\partial ", "}"),
        };
        out.push_str(open);
        a(out);
        out.push_str(mid);
        b(out);
        out.push_str(close);
    };
    match s {
        Sym::Val(r) => push_row_symbol(out, r as usize, n, t),
        Sym::Tan(r) => match (lecture, t) {
            (true, Target::Latex) => {
                let _ = write!(out, "d_{{{}}}", n.row_index(r as usize));
            }
            (true, _) => {
                out.push('d');
                out.push_str(itoa::Buffer::new().format(n.row_index(r as usize)));
            }
            (false, Target::Unicode) => accented(out, r, DOT_ABOVE),
            (false, Target::Ascii) => {
                out.push_str("dot(");
                push_row_symbol(out, r as usize, n, t);
                out.push(')');
            }
            (false, Target::Latex) => out.push_str(&latex_accent("dot", r as usize, n)),
        },
        Sym::Adj(r) => match t {
            Target::Unicode => accented(out, r, MACRON),
            Target::Ascii => {
                out.push_str("bar(");
                push_row_symbol(out, r as usize, n, t);
                out.push(')');
            }
            Target::Latex => out.push_str(&latex_accent("bar", r as usize, n)),
        },
        Sym::Partial(of, wrt) => partial(out, &|o| push_row_symbol(o, of as usize, n, t), &|o| {
            push_row_symbol(o, wrt as usize, n, t)
        }),
        Sym::G => out.push_str("g(w)"),
        Sym::H => out.push_str("h(w)"),
        Sym::GPrime => out.push_str(&prime("g", t)),
        Sym::HPrime => out.push_str(&prime("h", t)),
        Sym::C => out.push('c'),
        Sym::N => out.push('n'),
        Sym::GenVal(i) => out.push_str(&generic(n.letter(), i, t)),
        Sym::GenAdj(i) => {
            let l = n.letter();
            let _ = match t {
                Target::Unicode => write!(out, "{}{}", accent(l, MACRON), subscript_letter(i)),
                Target::Ascii => write!(out, "bar({l}_{i})"),
                Target::Latex => write!(out, "\\bar{{{l}}}_{{{i}}}"),
            };
        }
        Sym::GenPartial(j, i) => partial(out, &|o| o.push_str(&generic(n.letter(), j, t)), &|o| {
            o.push_str(&generic(n.letter(), i, t))
        }),
    }
}

fn prime(f: &str, t: Target) -> String {
    match t {
        Target::Unicode => format!("{f}′(w)"),
        _ => format!("{f}'(w)"),
    }
}

fn generic(letter: &str, i: char, t: Target) -> String {
    match t {
        Target::Unicode => format!("{letter}{}", subscript_letter(i)),
        Target::Ascii => format!("{letter}_{i}"),
        Target::Latex => format!("{letter}_{{{i}}}"),
    }
}

/// A row's own symbol: its program name, else its label.
fn row_symbol(r: usize, n: &Names, t: Target) -> String {
    let mut out = String::new();
    push_row_symbol(&mut out, r, n, t);
    out
}

/// A row's own symbol, appended.
pub(super) fn push_row_symbol(out: &mut String, r: usize, n: &Names, t: Target) {
    match (n.named(r), t) {
        (Some(name), Target::Unicode) => out.push_str(name),
        (Some(name), Target::Ascii) => out.push_str(&ascii_name(name)),
        (Some(name), Target::Latex) => out.push_str(&latex_name(name)),
        (None, Target::Latex) => {
            let (l, i) = n.label_parts(r);
            let _ = write!(out, "{l}_{{{i}}}");
        }
        (None, _) => n.push_label(out, r),
    }
}

/// `\bar{x}_{3}` for a label, `\bar{c}` / `\bar{W}_{0}` for a name: the
/// accent sits on the stem, not on the subscript.
fn latex_accent(accent: &str, r: usize, n: &Names) -> String {
    let full = row_symbol(r, n, Target::Latex);
    match full.split_once('_') {
        Some((stem, sub)) => format!("\\{accent}{{{stem}}}_{sub}"),
        None => format!("\\{accent}{{{full}}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::notation::Style;
    use crate::core::ops::math::{self, lit, neg, prod, sum, sym};

    fn names_for(src: &str) -> crate::core::trace::Trace {
        let p = crate::core::syntax::parse(src).unwrap();
        crate::core::trace::build(src, &p, Default::default()).unwrap()
    }

    #[test]
    fn one_tree_three_spellings() {
        let t = names_for("W0 = 2; L = (1.2*tanh(W0*x) - 2)^2");
        let n = Names::new(&t, Style::default());
        // (1 − tanh²(x1))·d1
        let m = prod(vec![
            math::Math::Sum(vec![
                lit(1.0),
                neg(math::pow(
                    math::op_call(Op::Tanh, sym(Sym::Val(1))),
                    lit(2.0),
                )),
            ]),
            sym(Sym::Tan(1)),
        ]);
        assert_eq!(math(&m, &n, Target::Unicode), "(1 − tanh²(x1))·d1");
        assert_eq!(math(&m, &n, Target::Ascii), "(1 - tanh(x1)^2)*d1");
        assert_eq!(
            math(&m, &n, Target::Latex),
            "(1 - \\tanh^{2}(x_{1})) \\cdot d_{1}"
        );
        // x^2.4 stays x^2.4 whatever the precision
        let p = math::pow(sym(Sym::Val(0)), lit(2.4));
        let n0 = Names::new(
            &t,
            Style {
                precision: 0,
                ..Style::default()
            },
        );
        assert_eq!(math(&p, &n0, Target::Unicode), "x^2.4");
        assert_eq!(math(&p, &n0, Target::Latex), "x^{2.4}");
        // negative numbers are parenthesised after an operator
        let s = math::Math::Sum(vec![sym(Sym::Val(4)), neg(lit(-2.0))]);
        assert_eq!(math(&s, &n, Target::Unicode), "x4 − (-2)");
        let q = sum(vec![lit(1.0), sym(Sym::Val(0))]);
        assert_eq!(
            math(&math::pow(q, lit(2.0)), &n, Target::Unicode),
            "(1 + x)²"
        );
    }

    /// Each symbol's spelling in each notation and target.
    #[test]
    fn symbols_in_every_notation_and_target() {
        let t = names_for("c = sin(x); L = c*y");
        let spell = |notation, s| {
            let style = Style {
                notation,
                ..Style::default()
            };
            let n = Names::new(&t, style);
            [Target::Unicode, Target::Ascii, Target::Latex].map(|target| symbol(s, &n, target))
        };
        let (lec, gri) = (Notation::Lecture, Notation::Griewank);
        assert_eq!(spell(lec, Sym::Val(2)), ["c", "c", "c"]);
        assert_eq!(spell(lec, Sym::Tan(2)), ["d2", "d2", "d_{2}"]);
        assert_eq!(spell(gri, Sym::Tan(2)), ["c\u{307}", "dot(c)", "\\dot{c}"]);
        assert_eq!(spell(lec, Sym::Adj(3)), ["L\u{304}", "bar(L)", "\\bar{L}"]);
        assert_eq!(
            spell(lec, Sym::Partial(3, 2)),
            ["∂L/∂c", "dL/dc", "\\frac{\\partial L}{\\partial c}"]
        );
        let [u, a, l] = spell(lec, Sym::GenPartial('j', 'i'));
        let w = Names::new(&t, Style::default()).letter().to_string();
        assert_eq!(u, format!("∂{w}ⱼ/∂{w}ᵢ"));
        assert_eq!(a, format!("d{w}_j/d{w}_i"));
        assert_eq!(
            l,
            format!("\\frac{{\\partial {w}_{{j}}}}{{\\partial {w}_{{i}}}}")
        );
    }

    #[test]
    fn literals_as_written() {
        // Whole literals as Rust writes them.
        for x in [1.0, -3.0, 2.0, 123_456_789.0, -999_999_999.0, 1e9] {
            assert_eq!(literal(x, 4), format!("{x}"));
        }
        // A literal's sign (which decides its parentheses) is its text's.
        for x in [
            -0.0,
            0.0,
            -1e-300,
            -2.5,
            -std::f64::consts::TAU,
            f64::NEG_INFINITY,
            -1e300,
        ] {
            for p in [1, 4, 17] {
                assert_eq!(literal(x, p).starts_with('-'), x < 0.0, "{x} at {p}");
            }
        }
    }

    #[test]
    fn names_in_latex_and_ascii() {
        assert_eq!(latex_name("W0"), "W_{0}");
        assert_eq!(latex_name("θ"), "\\theta");
        assert_eq!(latex_name("θ2"), "\\theta_{2}");
        assert_eq!(latex_name("loss"), "\\mathit{loss}");
        assert_eq!(latex_name("x_1"), "x_{1}");
        assert_eq!(ascii_name("θ"), "theta");
        assert_eq!(latex_name("W[1,2]"), "W_{1,2}");
        assert_eq!(latex_name("theta[2]"), "\\theta_{2}");
        assert_eq!(latex_name("sigma2"), "\\sigma_{2}");
        assert_eq!(latex_name("Theta"), "\\Theta");
        assert_eq!(latex_name("thetas"), "\\mathit{thetas}");
    }

    #[test]
    fn unicode_names_in_latex() {
        assert_eq!(latex_name("ε"), "\\varepsilon");
        assert_eq!(latex_name("φ1"), "\\varphi_{1}");
        assert_eq!(latex_name("Δx"), "\\Delta x");
        assert_eq!(latex_name("Α"), "A");
        assert_eq!(latex_name("ŷ"), "\\hat{y}");
        assert_eq!(latex_name("é"), "\\acute{e}");
        // combining marks: x̄ typed as x + U+0304
        assert_eq!(latex_name("x\u{304}"), "\\bar{x}");
        assert_eq!(latex_name("θ\u{307}"), "\\dot{\\theta }");
        assert_eq!(latex_name("x₁₂"), "x_{12}");
        assert_eq!(latex_name("x₁²"), "x_{1}^{2}");
        assert_eq!(latex_name("x₁2"), "{x_{1}}_{2}");
        assert_eq!(latex_name("W1[1,2]"), "{W_{1}}_{1,2}");
        assert_eq!(latex_name("損失"), "\\mathrm{U{+}640D\\,5931}");
        assert_eq!(latex_name("a損"), "a\\mathrm{U{+}640D}");
        assert_eq!(ascii_name("φε"), "phiepsilon");
        assert_eq!(ascii_name("Β"), "Beta");
    }
}
