//! P3: how vendors count a text's length, whether a text is blank, and cutting
//! a text on a grapheme boundary in one pass.
//!
//! A vendor's "characters" are counted as its servers count them (docs/VENDORS.md):
//! in UTF-16 code units for the Java servers (an emoji counts 2), the strictest
//! reading that never splits a character; Honor counts a CJK character as two
//! Latin ones; vivo's own server SDK counts UTF-16 units plus one for each
//! character of the CJK, punctuation and full-width blocks, and its documents
//! count a CJK character (or an emoji) as two Latin ones: the larger of the two,
//! character by character.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;

/// The ellipsis a shortened text ends with.
pub const ELLIPSIS: &str = "…";

/// How a vendor counts the length of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// UTF-16 code units.
    Utf16,
    /// Code points, a wide one (CJK, an emoji shown wide) counting 2 (Honor).
    WideTwice,
    /// vivo: the larger of `WideTwice` and vivo's server SDK's count (UTF-16
    /// units, plus one in the CJK, general punctuation and full-width blocks).
    Vivo,
}

/// The blocks vivo's server SDK (`Validation.caculateCharSize`) counts twice.
fn vivo_double(c: char) -> bool {
    matches!(c,
        '\u{2000}'..='\u{206f}' | '\u{2e80}'..='\u{2fdf}' | '\u{3000}'..='\u{303f}'
        | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}'
        | '\u{fe30}'..='\u{fe4f}' | '\u{ff00}'..='\u{ffef}')
}

impl Measure {
    pub fn of_char(self, c: char) -> usize {
        match self {
            Self::Utf16 => c.len_utf16(),
            Self::WideTwice => {
                if c.width() == Some(2) {
                    2
                } else {
                    1
                }
            }
            Self::Vivo => (c.len_utf16() + usize::from(vivo_double(c))).max(Self::WideTwice.of_char(c)),
        }
    }

    pub fn length(self, text: &str) -> usize {
        text.chars().map(|c| self.of_char(c)).sum()
    }
}

/// A text shows nothing: only white space, control characters and invisible
/// format characters (zero-width spaces and joiners, direction marks, a byte
/// order mark, variation selectors, the soft hyphen).
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c,
                '\u{ad}' | '\u{34f}' | '\u{61c}' | '\u{115f}' | '\u{1160}' | '\u{180e}'
                | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
                | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{ffa0}'
                | '\u{e0000}'..='\u{e0fff}')
    })
}

/// What a cut may cost: `cost` gives a piece of text's cost on each of up to
/// `N` scales, and the cut keeps the cost within `room` on every one.
pub struct Budget<F, const N: usize> {
    pub room: [usize; N],
    pub cost: F,
}

impl<F: Fn(&str) -> [usize; N], const N: usize> Budget<F, N> {
    fn fits(&self, used: &[usize; N], more: &[usize; N]) -> bool {
        (0..N).all(|i| used[i] + more[i] <= self.room[i])
    }
}

/// How a text was cut.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cut<'a> {
    /// The whole text, or a prefix of whole graphemes; `…` follows when `cut`.
    pub kept: &'a str,
    pub cut: bool,
}

impl Cut<'_> {
    pub fn text(&self) -> String {
        if self.cut {
            format!("{}{ELLIPSIS}", self.kept)
        } else {
            self.kept.to_owned()
        }
    }
}

/// `text` whole if it is within `budget`, else its longest prefix of whole
/// graphemes that is within it with `…` after; `None` when not even `…` alone
/// is (or, with `may_be_empty`, an empty text: then it is cut to nothing). One
/// pass over the text.
pub fn cut<'a, F: Fn(&str) -> [usize; N], const N: usize>(
    text: &'a str,
    budget: &Budget<F, N>,
    may_be_empty: bool,
) -> Option<Cut<'a>> {
    // Most texts fit whole: then no grapheme is looked for.
    let whole = (budget.cost)(text);
    if budget.fits(&[0; N], &whole) {
        return Some(Cut {
            kept: text,
            cut: false,
        });
    }
    let ellipsis = (budget.cost)(ELLIPSIS);
    let mut used = [0; N];
    // The longest prefix so far that leaves room for the ellipsis.
    let mut best = budget.fits(&used, &ellipsis).then_some(0);
    for (start, grapheme) in text.grapheme_indices(true) {
        let more = (budget.cost)(grapheme);
        if !budget.fits(&used, &more) {
            return match best {
                Some(end) if end > 0 || !may_be_empty => Some(Cut {
                    kept: &text[..end],
                    cut: true,
                }),
                _ if may_be_empty => Some(Cut { kept: "", cut: false }),
                _ => None,
            };
        }
        for i in 0..N {
            used[i] += more[i];
        }
        if budget.fits(&used, &ellipsis) {
            best = Some(start + grapheme.len());
        }
    }
    // Unreachable in practice (the whole text was over budget), but whole is right.
    Some(Cut {
        kept: text,
        cut: false,
    })
}

/// `text` within `max` units of `measure` (on one scale), cut as [`cut`] cuts;
/// never empty unless it was: at the least `…`.
pub fn shorten(text: &str, max: usize, measure: Measure) -> String {
    let budget = Budget {
        room: [max],
        cost: |piece: &str| [measure.length(piece)],
    };
    cut(text, &budget, text.is_empty()).map_or_else(String::new, |c| c.text())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p3_shortening_keeps_whole_graphemes() {
        assert_eq!(shorten("hello world", 20, Measure::Utf16), "hello world");
        assert_eq!(shorten("hello world", 6, Measure::Utf16), "hello…");
        // A family emoji is one grapheme of 11 UTF-16 units: all of it or none.
        let family = "👨‍👩‍👧‍👦";
        assert_eq!(shorten(&format!("a{family}b"), 12, Measure::Utf16), "a…");
        assert_eq!(
            shorten(&format!("a{family}b"), 13, Measure::Utf16),
            format!("a{family}b")
        );
        assert_eq!(
            shorten(&format!("a{family}bc"), 13, Measure::Utf16),
            format!("a{family}…")
        );
        // e + combining acute stays together.
        assert_eq!(shorten("ée\u{301}x", 3, Measure::Utf16), "é…");
        // vivo and Honor: CJK counts 2, a combining mark or a zero-width space 1.
        assert_eq!(Measure::WideTwice.length("新消息ab"), 8);
        assert_eq!(Measure::WideTwice.length("e\u{301}\u{200b}"), 3);
        assert_eq!(shorten("新消息新消息", 7, Measure::WideTwice), "新消息…");
        // vivo: its SDK's count or the documents', whichever is larger.
        assert_eq!(
            Measure::Vivo.length("新…\u{200b}e\u{301}😀"),
            2 + 2 + 2 + 1 + 1 + 2
        );
        // Never cut to nothing: the ellipsis alone when no grapheme fits with it.
        assert_eq!(shorten(family, 10, Measure::Utf16), "…");
        assert_eq!(shorten("", 10, Measure::Utf16), "");
    }

    #[test]
    fn blank_is_only_what_shows_nothing() {
        for blank in [
            "",
            " ",
            "\t\n",
            "\u{200b}\u{200d}",
            "\u{200f}\u{feff}",
            "\u{3000}",
            "\u{fe0f}",
        ] {
            assert!(is_blank(blank), "{blank:?}");
        }
        for shown in ["a", " a ", "😀", "\u{200b}x", "…", "ـ"] {
            assert!(!is_blank(shown), "{shown:?}");
        }
    }

    #[test]
    fn a_cut_keeps_every_scale_within_its_room() {
        // Two scales: UTF-16 units within 6, bytes within 9.
        let budget = Budget {
            room: [6, 9],
            cost: |piece: &str| [piece.encode_utf16().count(), piece.len()],
        };
        let got = cut("abc新消息", &budget, false).unwrap();
        assert_eq!(got.text(), "abc新…");
        assert!(got.text().len() <= 9);
        assert_eq!(
            cut("abc", &budget, false).unwrap(),
            Cut {
                kept: "abc",
                cut: false
            }
        );
        let none = Budget {
            room: [0, 0],
            cost: |piece: &str| [piece.len(), 0],
        };
        assert_eq!(cut("abc", &none, false), None);
        assert_eq!(cut("abc", &none, true), Some(Cut { kept: "", cut: false }));
    }
}
