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
/// first its answer to the background-colour query (OSC 11, see
/// `terminal::background_reply`), then `COLORFGBG` (`fg;bg`, set by rxvt,
/// Konsole, iTerm2 and others; the last field is the background's ANSI
/// colour: a light background is 7 or 9–15, a dark one 0–6 or 8). Unknown:
/// dark. An explicit `--theme` or `:set theme` is used instead of this.
pub fn detect() -> Theme {
    super::terminal::background_reply()
        .as_deref()
        .and_then(theme_for_osc11)
        .unwrap_or_else(|| theme_for_colorfgbg(std::env::var("COLORFGBG").ok().as_deref()))
}

/// The theme for a terminal's answer to OSC 11:
/// `ESC ] 11 ; rgb:RRRR/GGGG/BBBB` ended by BEL or `ESC \`, each component
/// 1 to 4 hex digits (X11's colour syntax, scaled to its own range; `rgba:`
/// with a fourth, alpha, component too). Light when the background's luma
/// (Rec. 709 weights of the components) is over one half. `None` for an
/// answer without a well-formed colour; other answers around it (DA1's)
/// are ignored.
pub fn theme_for_osc11(reply: &[u8]) -> Option<Theme> {
    let start = reply.windows(5).position(|w| w == b"\x1b]11;")? + 5;
    let rest = &reply[start..];
    let end = rest.iter().position(|&b| b == 0x07 || b == 0x1b)?;
    let text = std::str::from_utf8(&rest[..end]).ok()?;
    let (kind, spec) = text.split_once(':')?;
    let parts: Vec<&str> = spec.split('/').collect();
    let want = match kind {
        "rgb" => 3,
        "rgba" => 4,
        _ => return None,
    };
    if parts.len() != want {
        return None;
    }
    let mut rgb = [0f64; 3];
    for (c, part) in rgb.iter_mut().zip(&parts) {
        if part.is_empty() || part.len() > 4 || !part.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let max = (1u32 << (4 * part.len())) - 1;
        *c = f64::from(u32::from_str_radix(part, 16).ok()?) / f64::from(max);
    }
    let luma = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
    Some(if luma > 0.5 {
        Theme::Light
    } else {
        Theme::Dark
    })
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

    fn osc11(colour: &str) -> Option<Theme> {
        theme_for_osc11(format!("\x1b]11;{colour}\x07").as_bytes())
    }

    #[test]
    fn osc11_answers_name_the_background() {
        // xterm's and most terminals' form: four hex digits a component.
        assert_eq!(osc11("rgb:ffff/ffff/ffff"), Some(Theme::Light));
        assert_eq!(osc11("rgb:0000/0000/0000"), Some(Theme::Dark));
        // Solarized light (#fdf6e3) and dark (#002b36); two digits.
        assert_eq!(osc11("rgb:fdfd/f6f6/e3e3"), Some(Theme::Light));
        assert_eq!(osc11("rgb:00/2b/36"), Some(Theme::Dark));
        assert_eq!(osc11("rgb:fd/f6/e3"), Some(Theme::Light));
        // One and three digits scale to their own range: f = ff = fff.
        assert_eq!(osc11("rgb:f/f/f"), Some(Theme::Light));
        assert_eq!(osc11("rgb:fff/fff/fff"), Some(Theme::Light));
        // rxvt-unicode's rgba form.
        assert_eq!(osc11("rgba:ffff/ffff/ffff/ffff"), Some(Theme::Light));
        // Terminated by ST (ESC \\) as well as BEL, with DA1's answer after.
        let st = b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?62;22c";
        assert_eq!(theme_for_osc11(st), Some(Theme::Light));
    }

    #[test]
    fn osc11_luminance_threshold_is_one_half() {
        // Luma 0.2126·R + 0.7152·G + 0.0722·B over 1/2 is light. Grey
        // #808080 is 128/255 = 0.502, #7f7f7f is 0.498.
        assert_eq!(osc11("rgb:80/80/80"), Some(Theme::Light));
        assert_eq!(osc11("rgb:7f/7f/7f"), Some(Theme::Dark));
        // Pure green is bright (0.7152), pure blue and red are dark.
        assert_eq!(osc11("rgb:00/ff/00"), Some(Theme::Light));
        assert_eq!(osc11("rgb:00/00/ff"), Some(Theme::Dark));
        assert_eq!(osc11("rgb:ff/00/00"), Some(Theme::Dark));
    }

    #[test]
    fn malformed_osc11_answers_are_unknown() {
        for bad in [
            "rgb:ffff/ffff",
            "rgb:ffff/ffff/ffff/ffff",
            "rgb:fffff/ffff/ffff",
            "rgb:gg/00/00",
            "rgb://",
            "rgb:/ff/ff",
            "hsl:0/0/100",
            "#ffffff",
            "",
            "?",
        ] {
            assert_eq!(osc11(bad), None, "{bad:?}");
        }
        // No OSC 11 answer at all (DA1 alone), or one cut off by the timeout.
        assert_eq!(theme_for_osc11(b"\x1b[?62;22c"), None);
        assert_eq!(theme_for_osc11(b"\x1b]11;rgb:ffff/ff"), None);
        assert_eq!(theme_for_osc11(b""), None);
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
