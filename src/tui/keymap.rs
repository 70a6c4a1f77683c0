//! The keys: one table for the stepping view and one for the presenter,
//! each binding a key to an action with its help line and its key-bar
//! label. `update` looks actions up here, the help overlay lists the table
//! and the key bar picks from it, so a key is defined once.
//!
//! Must not change the model: what an action does is `update`'s.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Next,
    Prev,
    First,
    Last,
    ForwardStart,
    ReverseStart,
    Autoplay,
    Faster,
    Slower,
    NextSeed,
    TypeSeed,
    ToggleCse,
    ToggleNotation,
    ToggleLanes,
    /// The first step of the next sweep / of this or the previous one.
    NextSweep,
    PrevSweep,
    /// The Jacobian by forward or reverse mode.
    SwitchMode,
    /// Fold the groups other than the current row's in the graph.
    ToggleFold,
    /// Show or hide the Jacobian pane.
    ToggleJacobian,
    /// Type a step number to go to.
    GoToStep,
    /// Show or hide the table's rule column.
    ToggleRules,
    /// A "why AD" view: the finite-difference lab.
    FiniteDifferences,
    /// A "why AD" view: the symbolic derivative and its size.
    Symbolic,
    /// A "why AD" view: the forward sweep as overloaded AdVar calls.
    AdVar,
    /// A "why AD" view: the tape reverse mode records.
    Tape,
    /// Predict mode on or off: stepping forward asks for each cell first.
    Predict,
    Help,
    FocusNext,
    FocusPrev,
    GoToSelected,
    Quit,
    /// The presenter: on to the next pause / back to the previous one.
    NextPause,
    PrevPause,
    /// Described in help, handled by the focused pane (arrows, page keys).
    Scroll,
    /// Described in help: clicks, drags, the wheel.
    Mouse,
}

/// A key as the tables write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Code(KeyCode),
}

/// For which programs a key means something (help and the key bar list
/// only those keys).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Always,
    /// More than one input or output: more than one sweep in a phase.
    ManySweeps,
    /// More than one output: a Jacobian pane.
    ManyOutputs,
    /// Vectors or matrices: groups of rows.
    Groups,
}

/// One binding: its keys, what they do, and how help and the key bar
/// name them.
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    /// Only when the arrows step (no pane has the focus).
    pub stepping_only: bool,
    /// Which programs it is listed for.
    pub when: When,
    /// The keys as the help overlay lists them.
    pub help_keys: &'static str,
    pub help: &'static str,
    /// The key bar's label and text, and its priority: bars too narrow for
    /// every key drop the highest numbers first (0 is never dropped).
    pub bar: Option<(&'static str, &'static str, u8)>,
}

use Key::{Char as C, Code};

const fn b(
    keys: &'static [Key],
    action: Action,
    help_keys: &'static str,
    help: &'static str,
    bar: Option<(&'static str, &'static str, u8)>,
) -> Binding {
    Binding {
        keys,
        action,
        stepping_only: false,
        when: When::Always,
        help_keys,
        help,
        bar,
    }
}

/// The stepping view's keys, in the order help lists them.
pub const KEYMAP: &[Binding] = &[
    b(
        &[C('l'), C(' '), C('n')],
        Action::Next,
        "→ l space n",
        "next step",
        None,
    ),
    Binding {
        stepping_only: true,
        ..b(
            &[Code(KeyCode::Right)],
            Action::Next,
            "",
            "",
            Some(("→/←", "step", 0)),
        )
    },
    b(
        &[C('h'), Code(KeyCode::Backspace)],
        Action::Prev,
        "← h backspace",
        "previous step",
        None,
    ),
    Binding {
        stepping_only: true,
        ..b(&[Code(KeyCode::Left)], Action::Prev, "", "", None)
    },
    b(
        &[Code(KeyCode::Home)],
        Action::First,
        "Home / End",
        "first / last step",
        None,
    ),
    b(&[Code(KeyCode::End)], Action::Last, "", "", None),
    b(
        &[C('f')],
        Action::ForwardStart,
        "f / r",
        "start of the forward / reverse sweep",
        Some(("f/r", "forward/reverse", 1)),
    ),
    b(&[C('r')], Action::ReverseStart, "", "", None),
    Binding {
        when: When::ManySweeps,
        ..b(
            &[C(']')],
            Action::NextSweep,
            "[ / ]",
            "back a sweep / on to the next sweep",
            Some(("[/]", "sweep", 2)),
        )
    },
    Binding {
        when: When::ManySweeps,
        ..b(&[C('[')], Action::PrevSweep, "", "", None)
    },
    Binding {
        when: When::ManySweeps,
        ..b(
            &[C('j')],
            Action::SwitchMode,
            "j",
            "Jacobian mode: forward / reverse",
            Some(("j", "mode", 3)),
        )
    },
    Binding {
        when: When::ManyOutputs,
        ..b(
            &[C('J')],
            Action::ToggleJacobian,
            "J",
            "Jacobian pane on / off",
            Some(("J", "Jacobian", 4)),
        )
    },
    Binding {
        when: When::Groups,
        ..b(
            &[C('z')],
            Action::ToggleFold,
            "z",
            "graph: fold vector statements into boxes",
            Some(("z", "fold", 6)),
        )
    },
    b(
        &[C('a')],
        Action::Autoplay,
        "a · + / −",
        "autoplay on/off · faster / slower",
        Some(("a", "play", 5)),
    ),
    b(&[C('+'), C('=')], Action::Faster, "", "", None),
    b(&[C('-'), C('_')], Action::Slower, "", "", None),
    b(
        &[C('p')],
        Action::Predict,
        "p",
        "predict mode: type each cell first",
        Some(("p", "predict", 5)),
    ),
    b(
        &[C('w')],
        Action::NextSeed,
        "w",
        "next seed direction (forward tangents)",
        Some(("w/W", "seed", 6)),
    ),
    b(
        &[C('g')],
        Action::GoToStep,
        "g · R",
        "go to step (type it, Enter) · rule column",
        Some(("g", "go to", 5)),
    ),
    b(&[C('R')], Action::ToggleRules, "", "", None),
    b(
        &[C('W')],
        Action::TypeSeed,
        "W",
        "type a seed direction, e.g. x=1, y=0.5",
        None,
    ),
    b(
        &[C('c')],
        Action::ToggleCse,
        "c",
        "toggle CSE (shared subexpressions)",
        None,
    ),
    b(
        &[C('t')],
        Action::ToggleNotation,
        "t",
        "notation: lecture / Griewank",
        None,
    ),
    b(
        &[C('v')],
        Action::ToggleLanes,
        "v",
        "graph: boxes / lanes",
        Some(("v", "lanes", 7)),
    ),
    // The "why AD" views: listed in help on the line of `?`, so that help
    // still fits 80×24.
    b(&[C('d')], Action::FiniteDifferences, "", "", None),
    b(&[C('s')], Action::Symbolic, "", "", None),
    b(&[C('o')], Action::AdVar, "", "", None),
    b(&[C('T')], Action::Tape, "", "", None),
    b(
        &[Code(KeyCode::Tab)],
        Action::FocusNext,
        "tab / shift-tab",
        "focus graph, table, explanation",
        Some(("tab", "focus", 8)),
    ),
    b(&[Code(KeyCode::BackTab)], Action::FocusPrev, "", "", None),
    b(
        &[],
        Action::Scroll,
        "arrows, PgUp/PgDn",
        "scroll or pan the focused pane",
        None,
    ),
    b(
        &[Code(KeyCode::Enter)],
        Action::GoToSelected,
        "enter",
        "go to the selected row's step",
        None,
    ),
    b(
        &[],
        Action::Mouse,
        "click",
        "select a row or node; drag pans",
        None,
    ),
    b(
        &[C('?')],
        Action::Help,
        "? · d s o T",
        "this help · why AD: fd, swell, AdVar, tape",
        Some(("?", "help", 0)),
    ),
    b(
        &[C('q'), Code(KeyCode::Esc)],
        Action::Quit,
        "q / Esc / Ctrl-C",
        "leave",
        Some(("q", "quit", 0)),
    ),
];

/// The presenter's keys (`adtrace play`); other keys go to the view.
pub const PRESENTER: &[Binding] = &[
    b(
        &[
            C(' '),
            Code(KeyCode::Enter),
            Code(KeyCode::PageDown),
            Code(KeyCode::Right),
        ],
        Action::NextPause,
        "space → PgDn",
        "play on to the next pause (again: jump there)",
        Some(("space", "on to the next pause", 0)),
    ),
    b(
        &[
            Code(KeyCode::Left),
            Code(KeyCode::PageUp),
            Code(KeyCode::Backspace),
        ],
        Action::PrevPause,
        "← PgUp",
        "back to the previous pause",
        Some(("←", "back a pause", 1)),
    ),
    b(
        &[C('n')],
        Action::Next,
        "n / p",
        "one step forward / back",
        Some(("n/p", "one step", 2)),
    ),
    b(&[C('p')], Action::Prev, "", "", None),
    b(
        &[Code(KeyCode::Home)],
        Action::First,
        "Home / End",
        "start / end of the presentation",
        Some(("Home/End", "start/end", 3)),
    ),
    b(&[Code(KeyCode::End)], Action::Last, "", "", None),
    b(&[C('?')], Action::Help, "?", "this help", None),
    b(
        &[C('q'), Code(KeyCode::Esc)],
        Action::Quit,
        "q / Esc / Ctrl-C",
        "leave",
        Some(("q", "quit", 0)),
    ),
];

/// The action a key has in a table; `stepping`: the arrows step.
pub fn action(table: &[Binding], key: KeyEvent, stepping: bool) -> Option<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return matches!(key.code, KeyCode::Char('c' | 'C')).then_some(Action::Quit);
    }
    let k = match key.code {
        KeyCode::Char(c) => Key::Char(c),
        code => Key::Code(code),
    };
    table
        .iter()
        .find(|b| b.keys.contains(&k) && (stepping || !b.stepping_only))
        .map(|b| b.action)
}

/// The lines of the help overlay for a program: (keys, what they do).
pub fn help_lines(
    table: &[Binding],
    applies: impl Fn(When) -> bool,
) -> impl Iterator<Item = (&'static str, &'static str)> {
    table
        .iter()
        .filter(move |b| !b.help_keys.is_empty() && applies(b.when))
        .map(|b| (b.help_keys, b.help))
}

/// The key bar's entry of an action, if it has one.
pub fn bar(table: &[Binding], action: Action) -> Option<(&'static str, &'static str, u8)> {
    table
        .iter()
        .find(|b| b.action == action && b.bar.is_some())
        .and_then(|b| b.bar)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn keys_find_their_actions() {
        let a = |c| action(KEYMAP, key(c), true);
        assert_eq!(a(KeyCode::Char(' ')), Some(Action::Next));
        assert_eq!(a(KeyCode::Right), Some(Action::Next));
        assert_eq!(action(KEYMAP, key(KeyCode::Right), false), None);
        assert_eq!(a(KeyCode::Char('r')), Some(Action::ReverseStart));
        assert_eq!(a(KeyCode::Char('p')), Some(Action::Predict));
        assert_eq!(a(KeyCode::Char('h')), Some(Action::Prev));
        assert_eq!(a(KeyCode::Char('x')), None);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action(KEYMAP, ctrl_c, true), Some(Action::Quit));
        assert_eq!(
            action(PRESENTER, key(KeyCode::PageUp), true),
            Some(Action::PrevPause)
        );
    }

    /// Every key a binding lists is bound once per table.
    #[test]
    fn no_key_twice() {
        for table in [KEYMAP, PRESENTER] {
            let mut seen: Vec<(Key, bool)> = Vec::new();
            for b in table {
                for k in b.keys {
                    assert!(!seen.contains(&(*k, b.stepping_only)), "{k:?} twice");
                    seen.push((*k, b.stepping_only));
                }
            }
        }
    }
}
