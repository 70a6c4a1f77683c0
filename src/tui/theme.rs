//! Colours and text attributes of the TUI, one palette per theme.
//!
//! Owns every `Style` the widgets use, so a theme or `NO_COLOR` changes the
//! look in one place. Meaning is never carried by colour alone: every
//! highlighted thing also gets a modifier (bold, reverse, underline) and the
//! widgets add symbols (▶, !, heavy borders). Must not know about rows,
//! steps or numbers. The themes' names are `app::settings::Theme`.

use ratatui::style::{Color, Modifier, Style};

use crate::app::settings::Theme;

/// The styles of one theme.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Palette {
    pub text: Style,
    /// Rows whose derivative is structurally zero in this phase.
    pub dim: Style,
    pub title: Style,
    pub border: Style,
    pub border_focus: Style,
    /// The row processed by the current step.
    pub current: Style,
    /// The row the user selected.
    pub selected: Style,
    pub warn: Style,
    pub edge: Style,
    /// Edges feeding the current row (forward) or carrying its adjoint
    /// contributions (reverse).
    pub edge_hot: Style,
    /// Labels on hot edges (the local partials).
    pub label: Style,
    pub header: Style,
    pub key: Style,
    pub phase_forward: Style,
    pub phase_reverse: Style,
}

impl Palette {
    /// The palette of `theme`; with `no_color` only modifiers are used.
    pub fn new(theme: Theme, no_color: bool) -> Palette {
        let b = Modifier::BOLD;
        if no_color {
            let plain = Style::new();
            return Palette {
                text: plain,
                dim: plain.add_modifier(Modifier::DIM),
                title: plain.add_modifier(b),
                border: plain,
                border_focus: plain.add_modifier(b),
                current: plain.add_modifier(Modifier::REVERSED | b),
                selected: plain.add_modifier(Modifier::UNDERLINED | b),
                warn: plain.add_modifier(b),
                edge: plain,
                edge_hot: plain.add_modifier(b),
                label: plain.add_modifier(b),
                header: plain.add_modifier(b | Modifier::UNDERLINED),
                key: plain.add_modifier(b),
                phase_forward: plain.add_modifier(b),
                phase_reverse: plain.add_modifier(b | Modifier::REVERSED),
            };
        }
        match theme {
            Theme::Dark => Palette {
                text: Style::new().fg(Color::Gray),
                dim: Style::new().fg(Color::DarkGray),
                title: Style::new().fg(Color::White).add_modifier(b),
                border: Style::new().fg(Color::DarkGray),
                border_focus: Style::new().fg(Color::Cyan).add_modifier(b),
                current: Style::new()
                    .fg(Color::Black)
                    .bg(Color::Cyan)
                    .add_modifier(b),
                selected: Style::new()
                    .fg(Color::Magenta)
                    .add_modifier(b | Modifier::UNDERLINED),
                warn: Style::new().fg(Color::Yellow).add_modifier(b),
                edge: Style::new().fg(Color::DarkGray),
                edge_hot: Style::new().fg(Color::Cyan).add_modifier(b),
                label: Style::new().fg(Color::LightCyan).add_modifier(b),
                header: Style::new().fg(Color::White).add_modifier(b),
                key: Style::new().fg(Color::Cyan).add_modifier(b),
                phase_forward: Style::new().fg(Color::Blue).add_modifier(b),
                phase_reverse: Style::new().fg(Color::Magenta).add_modifier(b),
            },
            Theme::Light => Palette {
                text: Style::new().fg(Color::Black),
                dim: Style::new().fg(Color::Gray),
                title: Style::new().fg(Color::Black).add_modifier(b),
                border: Style::new().fg(Color::Gray),
                border_focus: Style::new().fg(Color::Blue).add_modifier(b),
                current: Style::new()
                    .fg(Color::White)
                    .bg(Color::Blue)
                    .add_modifier(b),
                selected: Style::new()
                    .fg(Color::Magenta)
                    .add_modifier(b | Modifier::UNDERLINED),
                warn: Style::new().fg(Color::Red).add_modifier(b),
                edge: Style::new().fg(Color::Gray),
                edge_hot: Style::new().fg(Color::Blue).add_modifier(b),
                label: Style::new().fg(Color::Blue).add_modifier(b),
                header: Style::new().fg(Color::Black).add_modifier(b),
                key: Style::new().fg(Color::Blue).add_modifier(b),
                phase_forward: Style::new().fg(Color::Blue).add_modifier(b),
                phase_reverse: Style::new().fg(Color::Magenta).add_modifier(b),
            },
            Theme::HighContrast => Palette {
                text: Style::new().fg(Color::White),
                dim: Style::new().fg(Color::Gray).add_modifier(Modifier::DIM),
                title: Style::new().fg(Color::White).add_modifier(b),
                border: Style::new().fg(Color::White),
                border_focus: Style::new().fg(Color::Yellow).add_modifier(b),
                current: Style::new()
                    .fg(Color::Black)
                    .bg(Color::Yellow)
                    .add_modifier(b),
                selected: Style::new()
                    .fg(Color::White)
                    .add_modifier(b | Modifier::UNDERLINED | Modifier::ITALIC),
                warn: Style::new()
                    .fg(Color::LightYellow)
                    .add_modifier(b | Modifier::UNDERLINED),
                edge: Style::new().fg(Color::White),
                edge_hot: Style::new().fg(Color::Yellow).add_modifier(b),
                label: Style::new().fg(Color::Yellow).add_modifier(b),
                header: Style::new().fg(Color::White).add_modifier(b),
                key: Style::new().fg(Color::Yellow).add_modifier(b),
                phase_forward: Style::new().fg(Color::White).add_modifier(b),
                phase_reverse: Style::new()
                    .fg(Color::Black)
                    .bg(Color::White)
                    .add_modifier(b),
            },
        }
    }
}

/// The theme for the terminal's background where the terminal says it:
/// `COLORFGBG` (`fg;bg`, set by rxvt, Konsole, iTerm2 and others; the last
/// field is the background's ANSI colour) names a light background as 7 or
/// 9–15, a dark one as 0–6 or 8. Unknown: dark. An explicit `--theme` or
/// `:set theme` is used instead of this.
pub fn detect() -> Theme {
    theme_for_colorfgbg(std::env::var("COLORFGBG").ok().as_deref())
}

/// `detect`'s reading of a `COLORFGBG` value.
pub fn theme_for_colorfgbg(value: Option<&str>) -> Theme {
    let bg = value
        .and_then(|v| v.rsplit(';').next())
        .and_then(|b| b.trim().parse::<u8>().ok());
    match bg {
        Some(7 | 9..=15) => Theme::Light,
        _ => Theme::Dark,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_has_no_colours_but_keeps_meaning() {
        for theme in [Theme::Dark, Theme::Light, Theme::HighContrast] {
            let p = Palette::new(theme, true);
            for s in [p.text, p.current, p.selected, p.warn, p.edge_hot, p.dim] {
                assert_eq!((s.fg, s.bg), (None, None));
            }
            assert!(p.current.add_modifier.contains(Modifier::REVERSED));
            assert!(p.warn.add_modifier.contains(Modifier::BOLD));
        }
    }

    #[test]
    fn highlights_carry_a_modifier_in_every_theme() {
        // Colour-blind safety: colour is never the only difference.
        for theme in [Theme::Dark, Theme::Light, Theme::HighContrast] {
            let p = Palette::new(theme, false);
            for s in [p.current, p.selected, p.warn, p.edge_hot] {
                assert!(!s.add_modifier.is_empty(), "{theme:?}");
            }
        }
    }

    #[test]
    fn colorfgbg_names_a_light_background() {
        assert_eq!(theme_for_colorfgbg(Some("0;15")), Theme::Light);
        assert_eq!(theme_for_colorfgbg(Some("0;default;7")), Theme::Light);
        assert_eq!(theme_for_colorfgbg(Some("15;0")), Theme::Dark);
        assert_eq!(theme_for_colorfgbg(Some("7;8")), Theme::Dark);
        assert_eq!(theme_for_colorfgbg(Some("default;default")), Theme::Dark);
        assert_eq!(theme_for_colorfgbg(None), Theme::Dark);
    }
}
