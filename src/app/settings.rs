//! The settings `:set` changes (`Settings`), the colour themes by name
//! (`Theme`), and the one table of named settings (`SETTINGS`).
//!
//! Owns, for each setting, its name, the values completion offers, what a
//! value is and a one-line hint when it is not one, how a value is parsed
//! into `Settings` and how the current value is shown. `:set` parsing
//! (`commands`), the `:set` listing and the replay lines of `:save` and
//! `:record` (`session`) and completion (`repl::helper`) all read this
//! table: adding a setting is one entry here. Must not know how a theme
//! looks (the palette is `tui::theme`), print, or touch the terminal.

use crate::core::format::Format;
use crate::core::notation::{Notation, Style};

/// The colour theme (`--theme`, `:set theme`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    Dark,
    Light,
    HighContrast,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Dark, Theme::Light, Theme::HighContrast];

    pub fn name(self) -> &'static str {
        match self {
            Theme::Dark => "dark",
            Theme::Light => "light",
            Theme::HighContrast => "high-contrast",
        }
    }

    pub fn parse(s: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.name() == s)
    }
}

/// The settings `:set` changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Settings {
    pub style: Style,
    pub no_cse: bool,
    pub theme: Theme,
    /// What tables print as.
    pub format: Format,
    /// `NO_COLOR`: attributes only, no colours (not a `:set` setting).
    pub no_color: bool,
    /// Every step's rule under the table (text and Markdown).
    pub steps: bool,
    /// `:set tui off`: the prompt keeps to tables, never opening the
    /// stepping view by itself.
    pub no_tui: bool,
}

/// One named setting of `:set`.
pub struct Setting {
    pub name: &'static str,
    /// The values completion offers.
    pub values: &'static [&'static str],
    /// What a value is: "'x' is not {what}", "missing {what}".
    pub what: &'static str,
    /// One line on the values, shown when a value is not one.
    pub hint: &'static str,
    /// Put `value` into the settings; `false`, changing nothing, if it is
    /// not a value of this setting.
    pub parse: fn(&str, &mut Settings) -> bool,
    /// The current value, as `:set NAME VALUE` takes it.
    pub show: fn(&Settings) -> String,
    /// The note after `:set` changed it.
    pub note: fn(&Settings) -> String,
}

/// Every setting, in the order `:set` lists them.
pub const SETTINGS: &[Setting] = &[
    Setting {
        name: "precision",
        values: &["2", "4", "6"],
        what: "a precision",
        hint: "a number of significant digits from 1 to 17",
        parse: |v, s| match v.parse::<usize>() {
            Ok(p) if (1..=17).contains(&p) => {
                s.style.precision = p;
                true
            }
            _ => false,
        },
        show: |s| s.style.precision.to_string(),
        note: |s| format!("precision {}", s.style.precision),
    },
    Setting {
        name: "notation",
        values: &["lecture", "griewank"],
        what: "a notation",
        hint: "lecture (rows x_i, tangents d_i) or griewank (v_i, v̇_i)",
        parse: |v, s| set(Notation::parse(v), &mut s.style.notation),
        show: |s| s.style.notation.name().to_string(),
        note: |s| format!("notation {}", s.style.notation.name()),
    },
    Setting {
        name: "cse",
        values: &["on", "off"],
        what: "on or off",
        hint: "on (a graph) or off (a tree)",
        parse: |v, s| set(on_off(v).map(|on| !on), &mut s.no_cse),
        show: |s| on_off_name(!s.no_cse).to_string(),
        note: |s| {
            format!(
                "cse {} ({})",
                on_off_name(!s.no_cse),
                if s.no_cse {
                    "every occurrence gets its own row: a tree"
                } else {
                    "repeated subexpressions share a row: a graph"
                }
            )
        },
    },
    Setting {
        name: "theme",
        values: &["dark", "light", "high-contrast"],
        what: "a theme",
        hint: "dark, light or high-contrast",
        parse: |v, s| set(Theme::parse(v), &mut s.theme),
        show: |s| s.theme.name().to_string(),
        note: |s| format!("theme {}", s.theme.name()),
    },
    Setting {
        name: "ascii",
        values: &["on", "off"],
        what: "on or off",
        hint: "on (ASCII only: x2, d2, xbar2, sqrt) or off",
        parse: |v, s| set(on_off(v), &mut s.style.ascii),
        show: |s| on_off_name(s.style.ascii).to_string(),
        note: |s| format!("ascii {}", on_off_name(s.style.ascii)),
    },
    Setting {
        name: "format",
        values: &["text", "json", "markdown", "latex", "dot"],
        what: "a format",
        hint: "text, json, markdown, latex or dot (what a program's table prints as)",
        parse: |v, s| set(Format::parse(v), &mut s.format),
        show: |s| format_name(s.format).to_string(),
        note: |s| format!("tables print as {}", format_name(s.format)),
    },
    Setting {
        name: "steps",
        values: &["on", "off"],
        what: "on or off",
        hint: "on (every step under the table) or off",
        parse: |v, s| set(on_off(v), &mut s.steps),
        show: |s| on_off_name(s.steps).to_string(),
        note: |s| {
            format!(
                "steps {} (every step's rule under the table)",
                on_off_name(s.steps)
            )
        },
    },
    Setting {
        name: "tui",
        values: &["on", "off"],
        what: "on or off",
        hint: "on (a program with its point opens the stepping view) or off (tables only)",
        parse: |v, s| set(on_off(v).map(|on| !on), &mut s.no_tui),
        show: |s| on_off_name(!s.no_tui).to_string(),
        note: |s| {
            if s.no_tui {
                "tui off: programs print their tables; ':tui' still opens the view".to_string()
            } else {
                "tui on: a program with its point opens the stepping view".to_string()
            }
        },
    },
];

/// The setting of this name.
pub fn find(name: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.name == name)
}

/// `:help set`'s list: each setting, its values and what they mean.
pub fn help() -> String {
    SETTINGS
        .iter()
        .map(|s| format!("  {}: {}\n", s.name, s.hint))
        .collect()
}

/// The `:set` listing: one `NAME VALUE` line per setting.
pub fn listing(settings: &Settings) -> String {
    SETTINGS
        .iter()
        .map(|s| format!("{} {}\n", s.name, (s.show)(settings)))
        .collect()
}

/// The `:set` lines that bring back the settings that differ from the
/// defaults (the head of a saved or recorded replay file).
pub fn replay_lines(settings: &Settings) -> String {
    let default = Settings::default();
    SETTINGS
        .iter()
        .filter(|s| (s.show)(settings) != (s.show)(&default))
        .map(|s| format!(":set {} {}\n", s.name, (s.show)(settings)))
        .collect()
}

/// A format's name, as `:set format` and `:export` take it.
pub fn format_name(f: Format) -> &'static str {
    Format::ALL
        .iter()
        .find(|(_, g)| *g == f)
        .map_or("text", |(n, _)| n)
}

fn set<T>(value: Option<T>, slot: &mut T) -> bool {
    value.map(|v| *slot = v).is_some()
}

fn on_off(v: &str) -> Option<bool> {
    match v {
        "on" | "true" | "yes" => Some(true),
        "off" | "false" | "no" => Some(false),
        _ => None,
    }
}

fn on_off_name(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `:help set` and the command list's summary name every setting.
    #[test]
    fn help_names_every_setting() {
        let spec = crate::app::commands::spec("set").unwrap();
        let help = help();
        for s in SETTINGS {
            assert!(spec.summary.contains(s.name), "{}", s.name);
            assert!(
                help.contains(&format!("  {}: {}", s.name, s.hint)),
                "{}",
                s.name
            );
        }
    }

    #[test]
    fn every_offered_value_parses_and_shows_as_itself() {
        for s in SETTINGS {
            for v in s.values {
                let mut st = Settings::default();
                assert!((s.parse)(v, &mut st), "{} {v}", s.name);
                assert_eq!((s.show)(&st), *v, "{}", s.name);
            }
            let mut st = Settings::default();
            assert!(!(s.parse)("", &mut st), "{}", s.name);
            assert_eq!(st, Settings::default(), "{}", s.name);
        }
    }

    #[test]
    fn listing_and_replay_lines() {
        let mut st = Settings::default();
        assert_eq!(
            listing(&st),
            "precision 4\nnotation lecture\ncse on\ntheme dark\nascii off\nformat text\nsteps off\ntui on\n"
        );
        assert_eq!(replay_lines(&st), "");
        assert!((find("cse").unwrap().parse)("off", &mut st));
        assert!((find("precision").unwrap().parse)("2", &mut st));
        assert_eq!(replay_lines(&st), ":set precision 2\n:set cse off\n");
        assert!(!(find("precision").unwrap().parse)("18", &mut st));
        assert_eq!(st.style.precision, 2);
    }
}
