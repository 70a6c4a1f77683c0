//! The lecture's examples as replay scripts, compiled into the binary from
//! `assets/` so that `:example NAME`, `adtrace run NAME` and `adtrace play
//! NAME` work after `cargo install`.
//!
//! Owns the list and its one-line summaries; must not run anything.

/// One built-in example.
pub struct Example {
    pub name: &'static str,
    pub text: &'static str,
}

pub const EXAMPLES: &[Example] = &[
    Example {
        name: "neural-net",
        text: include_str!("../../assets/neural-net.adt"),
    },
    Example {
        name: "graph",
        text: include_str!("../../assets/graph.adt"),
    },
    Example {
        name: "baydin",
        text: include_str!("../../assets/baydin.adt"),
    },
    Example {
        name: "regression",
        text: include_str!("../../assets/regression.adt"),
    },
    Example {
        name: "neuron-sigmoid",
        text: include_str!("../../assets/neuron-sigmoid.adt"),
    },
    Example {
        name: "neuron-relu",
        text: include_str!("../../assets/neuron-relu.adt"),
    },
    Example {
        name: "identities",
        text: include_str!("../../assets/identities.adt"),
    },
    Example {
        name: "mlp",
        text: include_str!("../../assets/mlp.adt"),
    },
    Example {
        name: "jacobian",
        text: include_str!("../../assets/jacobian.adt"),
    },
    Example {
        name: "softplus",
        text: include_str!("../../assets/softplus.adt"),
    },
    Example {
        name: "finite-differences",
        text: include_str!("../../assets/finite-differences.adt"),
    },
    Example {
        name: "expression-swell",
        text: include_str!("../../assets/expression-swell.adt"),
    },
];

/// The script of a built-in example.
pub fn get(name: &str) -> Option<&'static str> {
    EXAMPLES.iter().find(|e| e.name == name).map(|e| e.text)
}

/// An example's summary: the first sentence of its opening comment,
/// whole even when it runs over several lines.
pub fn summary(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let Some(l) = line.strip_prefix('#') else {
            break;
        };
        let l = l.trim();
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(l);
        if let Some(end) = sentence_end(&out) {
            out.truncate(end);
            break;
        }
    }
    out
}

/// Where the first sentence of `s` ends (after its full stop), if it does.
fn sentence_end(s: &str) -> Option<usize> {
    if s.ends_with('.') {
        return s.find(". ").map_or(Some(s.len()), |i| Some(i + 1));
    }
    s.find(". ").map(|i| i + 1)
}

/// `:examples`: one line per example.
pub fn listing() -> String {
    let width = EXAMPLES.iter().map(|e| e.name.len()).max().unwrap_or(0);
    let mut out = String::from(
        "Built-in examples (':example NAME' runs one, 'adtrace play NAME' presents it):\n",
    );
    for e in EXAMPLES {
        out.push_str(&format!("  {:width$}  {}\n", e.name, summary(e.text)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_parses() {
        for e in EXAMPLES {
            if let Err(errors) = crate::app::script::parse(e.text, e.name) {
                panic!("{}: {}", e.name, errors.join("\n"));
            }
            assert!(!summary(e.text).is_empty(), "{} has no summary", e.name);
        }
    }
}
