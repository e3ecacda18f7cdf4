//! Output for people (text, tables) or for programs (`--json`: one JSON value per line).

use std::io::Write as _;

use serde_json::Value;

pub struct Out {
    json: bool,
}

impl Out {
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    pub fn is_json(&self) -> bool {
        self.json
    }

    /// A line of text, or its JSON form.
    pub fn line(&mut self, text: &str, value: Value) {
        let mut stdout = std::io::stdout().lock();
        let _ = if self.json { writeln!(stdout, "{value}") } else { writeln!(stdout, "{text}") };
    }

    /// A document: pretty JSON either way.
    pub fn json_or_text(&mut self, value: &Value) {
        let text = if self.json { value.to_string() } else { serde_json::to_string_pretty(value).unwrap_or_default() };
        let _ = writeln!(std::io::stdout().lock(), "{text}");
    }

    /// A table, or the JSON given.
    pub fn table(&mut self, headers: &[&str], rows: Vec<Vec<String>>, value: Value) {
        if self.json {
            let _ = writeln!(std::io::stdout().lock(), "{value}");
            return;
        }
        let mut widths: Vec<usize> = headers.iter().map(|h| h.len()).collect();
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let fmt_row = |cells: Vec<String>| cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect::<Vec<_>>().join("  ");
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{}", fmt_row(headers.iter().map(|h| (*h).to_owned()).collect()));
        let _ = writeln!(stdout, "{}", widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "));
        for row in rows {
            let _ = writeln!(stdout, "{}", fmt_row(row));
        }
    }
}
