//! Fitting text to the terminal: column widths that fit its width, values shortened
//! with `…` (or wrapped between words), never broken mid-word.

/// The width to fit: `COLUMNS` when set (so that a script or a test can choose it),
/// else the width of the terminal on standard output, else 120. (A terminal that
/// reports no size, as some pseudo-terminals do, says 0.)
pub fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w > 0)
        .or_else(|| {
            comfy_table::Table::new()
                .width()
                .filter(|w| *w > 0)
                .map(usize::from)
        })
        .unwrap_or(120)
}

/// The narrowest a column is made before columns are dropped.
const MIN_COLUMN: usize = 6;

/// The widths of columns whose widest values are `natural` wide, so that the columns
/// and a gap of `gap` between each two fit `width`: the widest columns are narrowed
/// first, to no less than a few characters (or their natural width); when even that
/// does not fit, the last columns are dropped (the result is then shorter).
pub fn widths(natural: &[usize], width: usize, gap: usize) -> Vec<usize> {
    let floor = |n: usize| n.min(MIN_COLUMN);
    let mut count = natural.len();
    // Drop columns from the end until their narrowest forms fit.
    while count > 1 {
        let least: usize =
            natural[..count].iter().map(|n| floor(*n)).sum::<usize>() + gap * (count - 1);
        if least <= width {
            break;
        }
        count -= 1;
    }
    let natural = &natural[..count];
    let room = width.saturating_sub(gap * count.saturating_sub(1));
    if natural.iter().sum::<usize>() <= room {
        return natural.to_vec();
    }
    // The largest cap such that the columns, each at most the cap, fit the room.
    let fits = |cap: usize| {
        natural
            .iter()
            .map(|n| (*n).min(cap.max(floor(*n))))
            .sum::<usize>()
            <= room
    };
    let mut cap = natural.iter().copied().max().unwrap_or(0);
    while cap > 1 && !fits(cap) {
        cap -= 1;
    }
    natural
        .iter()
        .map(|n| (*n).min(cap.max(floor(*n))))
        .collect()
}

/// The number of characters of `text` (as the terminal shows most text).
pub fn len(text: &str) -> usize {
    text.chars().count()
}

/// `text` on one line (line breaks and tabs made spaces), shortened to `width`
/// characters with a final `…` when longer.
pub fn truncate(text: &str, width: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    if len(&flat) <= width {
        return flat;
    }
    if width == 0 {
        return String::new();
    }
    let mut short: String = flat.chars().take(width - 1).collect();
    short.push('…');
    short
}

/// `text` wrapped between words into lines of at most `width` characters; a word
/// longer than a line is shortened with `…` rather than broken.
pub fn wrap_words(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for source in text.lines() {
        let mut line = String::new();
        for word in source.split_whitespace() {
            let word = truncate(word, width);
            if line.is_empty() {
                line = word;
            } else if len(&line) + 1 + len(&word) <= width {
                line.push(' ');
                line.push_str(&word);
            } else {
                lines.push(std::mem::take(&mut line));
                line = word;
            }
        }
        lines.push(line);
    }
    lines.join("\n")
}

/// Writes rows as aligned columns: a leading space, then each cell padded to its
/// column's width, two spaces apart (trailing spaces trimmed).
pub fn line(cells: &[String], widths: &[usize]) -> String {
    let mut out = String::from(" ");
    for (i, w) in widths.iter().enumerate() {
        let cell = truncate(cells.get(i).map(String::as_str).unwrap_or(""), *w);
        out.push_str(&cell);
        if i + 1 < widths.len() {
            out.push_str(&" ".repeat(w - len(&cell) + 2));
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// The gap [`line()`] leaves between two columns.
pub const GAP: usize = 2;
/// The room [`line()`] takes besides the columns and gaps (its leading space).
pub const MARGIN: usize = 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_that_fit_keep_their_width() {
        assert_eq!(widths(&[4, 10, 3], 80, 2), [4, 10, 3]);
    }

    #[test]
    fn the_widest_columns_are_narrowed_first() {
        // 11 + 40 + 20 + 2 gaps of 2 = 75 > 50: the two widest are cut to one cap.
        let w = widths(&[11, 40, 20], 50, 2);
        assert_eq!(w, [11, 17, 17]);
        assert!(w.iter().sum::<usize>() + 4 <= 50);
        let w = widths(&[30, 40, 5], 40, 2);
        assert_eq!(w, [15, 15, 5]);
    }

    #[test]
    fn columns_that_cannot_fit_are_dropped() {
        let w = widths(&[20, 20, 20, 20], 14, 2);
        assert_eq!(w, [6, 6]);
    }

    #[test]
    fn long_values_are_shortened_not_broken() {
        assert_eq!(truncate("AZUREOPENAI", 8), "AZUREOP…");
        assert_eq!(truncate("a\nb", 8), "a b");
        assert_eq!(wrap_words("one two three", 7), "one two\nthree");
        assert_eq!(wrap_words("https://example.com/long", 10), "https://e…");
        assert_eq!(line(&["ab".into(), "c".into()], &[4, 3]), " ab    c");
    }
}
