//! P3: how vendors count a text's length, and shortening on a grapheme
//! boundary. A vendor's "characters" are counted as Java counts them, in UTF-16
//! code units (their servers are Java; an emoji counts 2), the strictest reading
//! that does not split a character; vivo counts a CJK character as two Latin ones
//! (title 20 CJK / 40 Latin), which is the display width.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The ellipsis a shortened text ends with.
pub const ELLIPSIS: &str = "…";

/// How a vendor counts the length of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// UTF-16 code units.
    Utf16,
    /// Display width: a CJK character or an emoji 2, a Latin letter 1 (vivo).
    Width,
}

impl Measure {
    pub fn length(self, text: &str) -> usize {
        match self {
            Self::Utf16 => text.encode_utf16().count(),
            Self::Width => text.width(),
        }
    }
}

/// `text` cut to its first `graphemes` grapheme clusters, with `…` when cut
/// (nothing at all for 0).
pub fn prefix(text: &str, graphemes: usize) -> String {
    let mut boundaries = text.grapheme_indices(true).map(|(i, _)| i).skip(graphemes);
    match boundaries.next() {
        None => text.to_owned(),
        Some(0) => String::new(),
        Some(end) => format!("{}{ELLIPSIS}", &text[..end]),
    }
}

pub fn grapheme_count(text: &str) -> usize {
    text.graphemes(true).count()
}

/// The longest `prefix` of `text` that `fits` accepts (`fits` must accept
/// shorter prefixes whenever it accepts a longer one), or `None` when not even
/// the empty text fits.
pub fn longest_fitting(text: &str, mut fits: impl FnMut(&str) -> bool) -> Option<String> {
    if fits(text) {
        return Some(text.to_owned());
    }
    let (mut low, mut high) = (0, grapheme_count(text));
    if !fits(&prefix(text, 0)) {
        return None;
    }
    // Invariant: prefix(low) fits, prefix(high) does not.
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if fits(&prefix(text, middle)) {
            low = middle;
        } else {
            high = middle;
        }
    }
    Some(prefix(text, low))
}

/// `text` within `max` units of `measure`.
pub fn shorten(text: &str, max: usize, measure: Measure) -> String {
    longest_fitting(text, |candidate| measure.length(candidate) <= max).unwrap_or_default()
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
        // vivo: CJK counts 2.
        assert_eq!(Measure::Width.length("新消息ab"), 8);
        assert_eq!(shorten("新消息新消息", 7, Measure::Width), "新消息…");
        assert_eq!(shorten("x", 0, Measure::Utf16), "");
    }
}
