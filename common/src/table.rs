//! Table output compatible with util-linux's libsmartcols, byte for byte.
//!
//! A [`Table`] has [`Column`]s and lines; a line may have a parent line, so
//! the lines form a forest. When a column is the tree column
//! ([`Column::tree`]) the table is a *tree*: lines print depth first from the
//! roots (lines without a parent, in the order they were added) and the tree
//! column starts with the branch glyphs. Otherwise lines print in the order
//! they were added.
//!
//! Cells are bytes (paths need not be UTF-8); an empty cell prints nothing
//! (`null` in JSON). A [`Column::multiline`] cell holds several values
//! separated by NUL bytes; it prints one value per physical line, as a JSON
//! array, and `\n`-joined in raw and pairs output (libsmartcols' "wrapzero"
//! cells).
//!
//! [`Format`]s, as libsmartcols prints them when stdout is not a terminal:
//!
//! * [`Format::Human`]: columns separated by one space and padded to the
//!   widest cell (display columns, see below), except the last column, which
//!   is not padded unless right-aligned; a header line unless
//!   [`Table::noheadings`]. Control bytes, `\` before `x`, invalid multibyte
//!   sequences and non-printable characters are written as `\xNN`.
//! * [`Format::Raw`]: one space between cells, no padding; blanks, `\`, and
//!   every byte that is not printable in the current locale as `\xNN`.
//! * [`Format::Pairs`]: `NAME="value"` separated by one space, no header;
//!   `"`, `\`, `` ` ``, `$` and non-printable bytes as `\xNN`.
//! * [`Format::Json`]: `{"NAME": [ {...}, ... ]}` with 3-space indentation,
//!   lower-cased keys, values typed by [`JsonType`], nested `"children"`
//!   arrays for trees; an empty table still prints the object.
//!
//! An empty table prints nothing at all in the first three formats (not even
//! the header). Terminal-width truncation is not done: libsmartcols only
//! truncates when stdout is a terminal.
//!
//! Character classes come from the C library in the process locale, as in
//! util-linux: call [`init_locale`] once at start-up (the equivalent of
//! `setlocale(LC_ALL, "")` for `LC_CTYPE`). The tree glyphs are `├─ └─ │` when
//! `nl_langinfo(CODESET)` is `UTF-8` and [`Table::ascii`] is off, otherwise
//! `|-`, `` `- ``, `| `.

use std::io::{self, Write};

/// How a table is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns (libsmartcols' default; list and tree output).
    Human,
    /// `-r/--raw`: single-space separated, unsafe bytes as `\xNN`.
    Raw,
    /// `-P/--pairs`: `NAME="value"` pairs.
    Pairs,
    /// `-J/--json`.
    Json,
}

/// The JSON type of a column's values (libsmartcols `SCOLS_JSON_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonType {
    /// A quoted string; an empty cell is `null`.
    String,
    /// The cell text unquoted (`42`); an empty cell is `null`.
    Number,
    /// `false` for an empty cell or one starting with `0`, `N` or `n`,
    /// `true` otherwise.
    Boolean,
    /// An array of strings: the values of a multi-line cell, or the one value
    /// of a plain cell; `[]` when empty.
    ArrayString,
}

/// One output column.
#[derive(Clone, Debug)]
pub struct Column {
    /// Header text, also the pairs name and (lower-cased) the JSON key.
    pub name: String,
    /// libsmartcols width hint: when at least 1, a column whose widest cell
    /// is wider than the header but narrower than the hint is widened to the
    /// hint (numbers keep a steady width). Fractions are terminal shares and
    /// only matter on a terminal.
    pub width_hint: f64,
    /// Right-aligned (numbers).
    pub right: bool,
    /// The tree column: cells start with the tree glyphs.
    pub tree: bool,
    /// The column may be truncated on a terminal (kept for completeness; no
    /// truncation happens off a terminal).
    pub trunc: bool,
    /// Cells hold NUL-separated values printed one per line.
    pub multiline: bool,
    /// JSON type of the values.
    pub json: JsonType,
    /// Hyperlink prefix (`file://HOST`): in the human format each non-empty
    /// cell becomes an OSC 8 hyperlink to the prefix followed by the value.
    pub uri: Option<Vec<u8>>,
}

impl Column {
    /// A left-aligned string column named `name` with no width hint.
    pub fn new(name: impl Into<String>) -> Column {
        Column {
            name: name.into(),
            width_hint: 0.0,
            right: false,
            tree: false,
            trunc: false,
            multiline: false,
            json: JsonType::String,
            uri: None,
        }
    }

    /// Sets the width hint (see [`Column::width_hint`]).
    pub fn hint(mut self, width_hint: f64) -> Column {
        self.width_hint = width_hint;
        self
    }

    /// Makes the column right-aligned.
    pub fn right(mut self) -> Column {
        self.right = true;
        self
    }

    /// Makes the column the tree column.
    pub fn tree(mut self) -> Column {
        self.tree = true;
        self
    }

    /// Marks the column as truncatable.
    pub fn trunc(mut self) -> Column {
        self.trunc = true;
        self
    }

    /// Makes cells multi-line (NUL-separated values).
    pub fn multiline(mut self) -> Column {
        self.multiline = true;
        self
    }

    /// Sets the JSON type.
    pub fn json(mut self, json: JsonType) -> Column {
        self.json = json;
        self
    }

    /// Makes cells hyperlinks to `prefix` + value (see [`Column::uri`]).
    pub fn uri(mut self, prefix: impl Into<Vec<u8>>) -> Column {
        self.uri = Some(prefix.into());
        self
    }
}

/// Handle of a line in a [`Table`], returned by [`Table::add_line`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LineId(usize);

#[derive(Clone, Debug)]
struct Line {
    cells: Vec<Vec<u8>>,
    parent: Option<usize>,
    children: Vec<usize>,
}

/// A table being built, then printed once with [`Table::print`].
#[derive(Clone, Debug)]
pub struct Table {
    name: String,
    columns: Vec<Column>,
    lines: Vec<Line>,
    /// Output format.
    pub format: Format,
    /// No header line (`-n`).
    pub noheadings: bool,
    /// ASCII tree glyphs whatever the locale (`-a`).
    pub ascii: bool,
    /// Column names made shell-safe in every output's header (`-y`):
    /// every byte other than a letter or digit becomes `_`, a leading
    /// non-letter gets a `_` prefix, a trailing `%` becomes `_PCT`.
    pub shellvar: bool,
}

/// The tree glyphs.
#[derive(Clone, Copy, Debug)]
struct Symbols {
    branch: &'static str,
    vertical: &'static str,
    right: &'static str,
}

const UTF8_SYMBOLS: Symbols = Symbols {
    branch: "\u{251c}\u{2500}",
    vertical: "\u{2502} ",
    right: "\u{2514}\u{2500}",
};

const ASCII_SYMBOLS: Symbols = Symbols {
    branch: "|-",
    vertical: "| ",
    right: "`-",
};

/// Which tree glyphs to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Glyphs {
    /// `├─ └─ │`.
    Utf8,
    /// `|-`, `` `- ``, `| `.
    Ascii,
}

impl Table {
    /// An empty table; `name` is the top-level JSON key (`filesystems`).
    pub fn new(name: impl Into<String>, columns: Vec<Column>) -> Table {
        Table {
            name: name.into(),
            columns,
            lines: Vec::new(),
            format: Format::Human,
            noheadings: false,
            ascii: false,
            shellvar: false,
        }
    }

    /// The columns, in output order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Adds an empty line, as the last child of `parent` or as a new root.
    ///
    /// # Panics
    /// If `parent` does not come from this table.
    pub fn add_line(&mut self, parent: Option<LineId>) -> LineId {
        let id = self.lines.len();
        self.lines.push(Line {
            cells: vec![Vec::new(); self.columns.len()],
            parent: parent.map(|p| p.0),
            children: Vec::new(),
        });
        if let Some(p) = parent {
            self.lines[p.0].children.push(id);
        }
        LineId(id)
    }

    /// Sets the cell of `line` in column number `column` (ignored when out
    /// of range).
    pub fn set_cell(&mut self, line: LineId, column: usize, data: impl Into<Vec<u8>>) {
        if let Some(cell) = self
            .lines
            .get_mut(line.0)
            .and_then(|l| l.cells.get_mut(column))
        {
            *cell = data.into();
        }
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True when no line was added.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// True when a column is the tree column.
    pub fn is_tree(&self) -> bool {
        self.columns.iter().any(|c| c.tree)
    }

    /// Writes the table to `out` with the glyphs of the current locale,
    /// line by line (a large table is not held in memory twice).
    ///
    /// # Errors
    /// The first write error of `out`.
    pub fn print(&self, out: &mut dyn Write) -> io::Result<()> {
        let glyphs = if !self.ascii && ctype::codeset_is_utf8() {
            Glyphs::Utf8
        } else {
            Glyphs::Ascii
        };
        let mut sink = Sink {
            buf: Vec::new(),
            out: Some(out),
            err: None,
        };
        self.render_into(&mut sink, glyphs);
        sink.flush(true);
        match sink.err {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The bytes [`Table::print`] writes, with the given glyphs (ignored
    /// when [`Table::ascii`] is set).
    pub fn render(&self, glyphs: Glyphs) -> Vec<u8> {
        let mut sink = Sink {
            buf: Vec::new(),
            out: None,
            err: None,
        };
        self.render_into(&mut sink, glyphs);
        sink.buf
    }

    fn render_into(&self, sink: &mut Sink<'_>, glyphs: Glyphs) {
        let sym = if self.ascii || glyphs == Glyphs::Ascii {
            ASCII_SYMBOLS
        } else {
            UTF8_SYMBOLS
        };
        match self.format {
            Format::Json => self.render_json(sink),
            _ if self.lines.is_empty() => {}
            Format::Human => self.render_human(sink, sym),
            Format::Raw => self.render_raw(sink, sym),
            Format::Pairs => self.render_pairs(sink, sym),
        }
    }

    /// Line numbers in output order: depth first from the roots for a tree,
    /// insertion order otherwise.
    fn order(&self) -> Vec<usize> {
        if !self.is_tree() {
            return (0..self.lines.len()).collect();
        }
        let mut order = Vec::with_capacity(self.lines.len());
        let mut stack: Vec<usize> = self
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.parent.is_none())
            .map(|(i, _)| i)
            .rev()
            .collect();
        while let Some(i) = stack.pop() {
            order.push(i);
            stack.extend(self.lines[i].children.iter().rev());
        }
        order
    }

    fn is_last_child(&self, i: usize) -> bool {
        match self.lines[i].parent {
            Some(p) => self.lines[p].children.last() == Some(&i),
            None => false,
        }
    }

    /// libsmartcols `tree_ascii_art_to_buffer(ln)`: one "| " or "  " per
    /// ancestor level below the root (iterative: trees may be deep).
    fn ancestors_art(&self, i: usize, sym: Symbols, out: &mut Vec<u8>) {
        let mut chain = Vec::new();
        let mut n = i;
        while let Some(p) = self.lines[n].parent {
            chain.push(n);
            n = p;
        }
        for &n in chain.iter().rev() {
            let art = if self.is_last_child(n) {
                "  "
            } else {
                sym.vertical
            };
            out.extend_from_slice(art.as_bytes());
        }
    }

    /// How many levels line `i` is below its tree's root.
    fn depth(&self, i: usize) -> usize {
        let (mut n, mut depth) = (i, 0);
        while let Some(p) = self.lines[n].parent {
            depth += 1;
            n = p;
        }
        depth
    }

    /// The glyphs before the tree cell of line `i`.
    fn tree_art(&self, i: usize, sym: Symbols) -> Vec<u8> {
        let mut art = Vec::new();
        if let Some(p) = self.lines[i].parent {
            self.ancestors_art(p, sym, &mut art);
            let end = if self.is_last_child(i) {
                sym.right
            } else {
                sym.branch
            };
            art.extend_from_slice(end.as_bytes());
        }
        art
    }

    fn column_name(&self, col: &Column) -> Vec<u8> {
        if self.shellvar {
            shellvar_name(&col.name)
        } else {
            col.name.as_bytes().to_vec()
        }
    }

    /// The cell text for raw and pairs output: tree art, then the value
    /// (multi-line values joined with `\n`).
    fn flat_cell(&self, i: usize, c: usize, sym: Symbols) -> Vec<u8> {
        let col = &self.columns[c];
        let mut data = if col.tree && self.is_tree() {
            self.tree_art(i, sym)
        } else {
            Vec::new()
        };
        let cell = &self.lines[i].cells[c];
        if col.multiline {
            let chunks: Vec<&[u8]> = cell.split(|&b| b == 0).collect();
            data.extend_from_slice(&chunks.join(&b'\n'));
        } else {
            data.extend_from_slice(cell);
        }
        data
    }

    fn render_raw(&self, sink: &mut Sink<'_>, sym: Symbols) {
        let last = self.columns.len().saturating_sub(1);
        if !self.noheadings {
            for (c, col) in self.columns.iter().enumerate() {
                put_nonblank(&mut sink.buf, &self.column_name(col));
                if c != last {
                    sink.buf.push(b' ');
                }
            }
            sink.buf.push(b'\n');
        }
        for i in self.order() {
            for c in 0..self.columns.len() {
                put_nonblank(&mut sink.buf, &self.flat_cell(i, c, sym));
                if c != last {
                    sink.buf.push(b' ');
                }
            }
            sink.buf.push(b'\n');
            sink.flush(false);
        }
    }

    fn render_pairs(&self, sink: &mut Sink<'_>, sym: Symbols) {
        let last = self.columns.len().saturating_sub(1);
        for i in self.order() {
            for (c, col) in self.columns.iter().enumerate() {
                sink.buf.extend_from_slice(&self.column_name(col));
                sink.buf.push(b'=');
                put_quoted(&mut sink.buf, &self.flat_cell(i, c, sym));
                if c != last {
                    sink.buf.push(b' ');
                }
            }
            sink.buf.push(b'\n');
            sink.flush(false);
        }
    }

    /// The first physical line of cell (`i`, `c`) in the human format: tree
    /// art plus the value (the first value of a multi-line cell), encoded;
    /// and the width libsmartcols measures for it (with the longest value
    /// of a multi-line cell, by bytes, the last of equal ones).
    fn human_cell(&self, i: usize, c: usize, sym: Symbols) -> (Encoded<'_>, usize) {
        let col = &self.columns[c];
        let art = if col.tree && self.is_tree() {
            self.tree_art(i, sym)
        } else {
            Vec::new()
        };
        let cell = &self.lines[i].cells[c];
        if !col.multiline && art.is_empty() {
            let enc = Encoded::borrowed(cell);
            let width = enc.width;
            return (enc, width);
        }
        // The glyphs are printable in the locale that chose them, two
        // columns per level: only the value needs encoding.
        let art_width = if art.is_empty() { 0 } else { 2 * self.depth(i) };
        let after_art = |text: &[u8]| {
            let value = Encoded::borrowed(text);
            let mut bytes = art.clone();
            bytes.extend_from_slice(&value.bytes);
            Encoded {
                bytes: std::borrow::Cow::Owned(bytes),
                width: art_width + value.width,
            }
        };
        if !col.multiline {
            let enc = after_art(cell);
            let width = enc.width;
            return (enc, width);
        }
        let chunks = || cell.split(|&b| b == 0).filter(|s| !s.is_empty());
        let shown = chunks().next().unwrap_or_default();
        let widest = chunks().fold(&[][..], |m, s| if s.len() >= m.len() { s } else { m });
        let width = art_width + Encoded::borrowed(widest).width;
        (after_art(shown), width)
    }

    fn render_human(&self, sink: &mut Sink<'_>, sym: Symbols) {
        let order = self.order();
        let tree = self.is_tree();
        let ncols = self.columns.len();

        let mut widths: Vec<usize> = vec![0; ncols];
        for &i in &order {
            for (c, w) in widths.iter_mut().enumerate() {
                *w = (*w).max(self.human_cell(i, c, sym).1);
            }
        }
        let widths: Vec<usize> = self
            .columns
            .iter()
            .zip(widths)
            .map(|(col, max)| {
                let header = if self.noheadings {
                    None
                } else {
                    Some(Encoded::new(&self.column_name(col)).width)
                };
                column_width(col, max, header)
            })
            .collect();

        if !self.noheadings {
            for (c, col) in self.columns.iter().enumerate() {
                let name = self.column_name(col);
                let enc = Encoded::new(&name);
                put_human_cell(&mut sink.buf, &enc, col, widths[c], c + 1 == ncols, None);
            }
            sink.buf.push(b'\n');
        }

        for &i in &order {
            for (c, col) in self.columns.iter().enumerate() {
                let (enc, _) = self.human_cell(i, c, sym);
                let link = col.uri.as_ref().map(|prefix| {
                    let art = if col.tree && tree {
                        self.tree_art(i, sym).len()
                    } else {
                        0
                    };
                    let cell = &self.lines[i].cells[c];
                    let value = cell.split(|&b| b == 0).next().unwrap_or_default();
                    (art, link_target(prefix, value))
                });
                put_human_cell(&mut sink.buf, &enc, col, widths[c], c + 1 == ncols, link);
            }
            // Further values of multi-line cells, one physical line each.
            let chunks: Vec<Vec<&[u8]>> = self
                .columns
                .iter()
                .zip(&self.lines[i].cells)
                .map(|(col, cell)| {
                    if col.multiline {
                        cell.split(|&b| b == 0).filter(|s| !s.is_empty()).collect()
                    } else {
                        Vec::new()
                    }
                })
                .collect();
            let extra = chunks.iter().map(Vec::len).max().unwrap_or(0);
            let out = &mut sink.buf;
            for k in 1..extra {
                out.push(b'\n');
                for (c, col) in self.columns.iter().enumerate() {
                    let last = c + 1 == ncols;
                    let used = match chunks[c].get(k) {
                        Some(chunk) => {
                            let enc = Encoded::new(chunk);
                            out.extend_from_slice(&enc.bytes);
                            enc.width
                        }
                        None if col.tree && tree => {
                            let mut art = Vec::new();
                            self.ancestors_art(i, sym, &mut art);
                            if !self.lines[i].children.is_empty() {
                                art.extend_from_slice(sym.vertical.as_bytes());
                            }
                            let enc = Encoded::new(&art);
                            out.extend_from_slice(&enc.bytes);
                            enc.width
                        }
                        None => 0,
                    };
                    if !last {
                        pad(out, widths[c].saturating_sub(used));
                        out.push(b' ');
                    }
                }
            }
            out.push(b'\n');
            sink.flush(false);
        }
    }

    fn render_json(&self, sink: &mut Sink<'_>) {
        let mut w = JsonWriter::new(sink);
        w.open(None, JsonKind::Object);
        w.open(Some(self.name.as_bytes()), JsonKind::Array);
        let tree = self.is_tree();
        let last_root = self.lines.iter().rposition(|l| l.parent.is_none());
        for i in self.order() {
            w.open(None, JsonKind::Object);
            for (c, col) in self.columns.iter().enumerate() {
                let name = self.column_name(col);
                json_value(&mut w, col, &name, &self.lines[i].cells[c]);
            }
            w.sink.flush(false);
            if !tree {
                w.close(JsonKind::Object);
                continue;
            }
            if !self.lines[i].children.is_empty() {
                w.open(Some(b"children"), JsonKind::Array);
                continue;
            }
            // Close this object and every ancestor whose last child it ends.
            let mut ln = Some(i);
            while let Some(l) = ln {
                let is_child = self.lines[l].parent.is_some();
                let last =
                    (is_child && self.is_last_child(l)) || (!is_child && last_root == Some(l));
                w.close(JsonKind::Object);
                if last && is_child {
                    w.close(JsonKind::Array);
                }
                if !last {
                    break;
                }
                ln = self.lines[l].parent;
            }
        }
        w.close(JsonKind::Array);
        w.close(JsonKind::Object);
    }
}

/// Where rendered bytes go: collected in `buf`, and written to `out` (when
/// there is one) each time a line ends and `buf` is large.
struct Sink<'a> {
    buf: Vec<u8>,
    out: Option<&'a mut dyn Write>,
    err: Option<io::Error>,
}

impl Sink<'_> {
    /// Writes `buf` out when it holds at least 64 KiB (or always with
    /// `all`); after an error further output is dropped.
    fn flush(&mut self, all: bool) {
        let Some(out) = self.out.as_mut() else {
            return;
        };
        if !all && self.buf.len() < 1 << 16 {
            return;
        }
        if self.err.is_none() {
            if let Err(e) = out.write_all(&self.buf) {
                self.err = Some(e);
            }
        }
        self.buf.clear();
    }
}

/// libsmartcols' column width off a terminal: the widest cell, at least the
/// header (or 1); widened to an absolute width hint when the cells are
/// wider than the header but narrower than the hint; 0 for a column without
/// header and data.
fn column_width(col: &Column, max: usize, header: Option<usize>) -> usize {
    let min = header.unwrap_or(0).max(1);
    let hint = if col.width_hint >= 1.0 {
        col.width_hint as usize
    } else {
        0
    };
    let mut width = max;
    if width <= min {
        width = min;
    } else if hint > 0 && width < hint && min < hint {
        width = hint;
    }
    if max == 0 && header.is_none() && min == 1 && width <= 1 {
        width = 0;
    }
    width
}

fn pad(out: &mut Vec<u8>, n: usize) {
    out.resize(out.len() + n, b' ');
}

/// The target of a hyperlink: `prefix` and the value, with the value's
/// control bytes percent-encoded. util-linux copies them as they are, so a
/// path holding ESC could end the OSC 8 sequence and send its own escape
/// sequences to the terminal.
fn link_target(prefix: &[u8], value: &[u8]) -> Vec<u8> {
    let mut out = prefix.to_vec();
    for &b in value {
        if b < 0x20 || b == 0x7f {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        } else {
            out.push(b);
        }
    }
    out
}

/// libsmartcols `print_data()` for the human format; `link` is the byte
/// length of the tree art and the URI when the cell is a hyperlink.
fn put_human_cell(
    out: &mut Vec<u8>,
    enc: &Encoded<'_>,
    col: &Column,
    width: usize,
    last: bool,
    link: Option<(usize, Vec<u8>)>,
) {
    let mut width = width;
    let mut len = enc.width;
    if last && len < width && !col.right {
        width = len;
    }
    if !enc.bytes.is_empty() {
        if col.right {
            pad(out, width.saturating_sub(len));
            len = width.max(len);
        }
        match link {
            Some((art, uri)) => {
                let art = art.min(enc.bytes.len());
                out.extend_from_slice(&enc.bytes[..art]);
                out.extend_from_slice(b"\x1b]8;;");
                out.extend_from_slice(&uri);
                out.extend_from_slice(b"\x1b\\");
                out.extend_from_slice(&enc.bytes[art..]);
                out.extend_from_slice(b"\x1b]8;;\x1b\\");
            }
            None => out.extend_from_slice(&enc.bytes),
        }
    }
    if last {
        return;
    }
    pad(out, width.saturating_sub(len));
    out.push(b' ');
}

/// Printable ASCII without a `\x` in it: shown as it is, one column per
/// byte, in every locale.
fn shown_as_is(s: &[u8]) -> bool {
    let mut prev_backslash = false;
    for &b in s {
        if !(0x20..0x7f).contains(&b) || (prev_backslash && b == b'x') {
            return false;
        }
        prev_backslash = b == b'\\';
    }
    true
}

/// Text made safe for a terminal, with its width in display columns
/// (libsmartcols `mbs_safe_encode_to_buffer`).
#[derive(Clone, Debug, Default)]
struct Encoded<'a> {
    bytes: std::borrow::Cow<'a, [u8]>,
    width: usize,
}

impl<'a> Encoded<'a> {
    /// As [`Encoded::new`], borrowing `s` when it needs no escapes.
    fn borrowed(s: &'a [u8]) -> Encoded<'a> {
        if shown_as_is(s) {
            return Encoded {
                bytes: std::borrow::Cow::Borrowed(s),
                width: s.len(),
            };
        }
        Encoded::new(s)
    }

    fn new(s: &[u8]) -> Encoded<'a> {
        if shown_as_is(s) {
            return Encoded {
                bytes: std::borrow::Cow::Owned(s.to_vec()),
                width: s.len(),
            };
        }
        let mut bytes = Vec::with_capacity(s.len());
        let mut width: isize = 0;
        let mut state = ctype::MbState::default();
        let mut i = 0;
        while i < s.len() {
            let b = s[i];
            if (b == b'\\' && s.get(i + 1) == Some(&b'x')) || ctype::is_cntrl(b) {
                hex(&mut bytes, b);
                width += 4;
                i += 1;
                continue;
            }
            match ctype::decode(&s[i..], &mut state) {
                ctype::Decoded::Invalid => {
                    if ctype::is_print(b) {
                        bytes.push(b);
                        width += 1;
                    } else {
                        hex(&mut bytes, b);
                        width += 4;
                    }
                    i += 1;
                }
                ctype::Decoded::Char {
                    len,
                    printable,
                    cells,
                } => {
                    let seq = &s[i..i + len];
                    if printable {
                        bytes.extend_from_slice(seq);
                        width += cells as isize;
                    } else {
                        for &b in seq {
                            hex(&mut bytes, b);
                            width += 4;
                        }
                    }
                    i += len;
                }
            }
        }
        Encoded {
            bytes: std::borrow::Cow::Owned(bytes),
            width: width.max(0) as usize,
        }
    }
}

fn hex(out: &mut Vec<u8>, b: u8) {
    out.extend_from_slice(format!("\\x{b:02x}").as_bytes());
}

/// util-linux `fputs_nonblank()`: raw-output escaping.
fn put_nonblank(out: &mut Vec<u8>, data: &[u8]) {
    for &b in data {
        if ctype::is_blank(b) || b == b'\\' || !ctype::is_print(b) || ctype::is_cntrl(b) {
            hex(out, b);
        } else {
            out.push(b);
        }
    }
}

/// util-linux `fputs_quoted()`: a double-quoted pairs value.
fn put_quoted(out: &mut Vec<u8>, data: &[u8]) {
    out.push(b'"');
    for &b in data {
        if matches!(b, b'"' | b'\\' | b'`' | b'$') || !ctype::is_print(b) || ctype::is_cntrl(b) {
            hex(out, b);
        } else {
            out.push(b);
        }
    }
    out.push(b'"');
}

/// libsmartcols `scols_shellvar_name()`.
fn shellvar_name(name: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len() + 4);
    let bytes = name.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
        out.push(b'_');
    }
    out.extend(
        bytes
            .iter()
            .map(|&b| if b.is_ascii_alphanumeric() { b } else { b'_' }),
    );
    if bytes.last() == Some(&b'%') {
        out.extend_from_slice(b"PCT");
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum JsonKind {
    Object,
    Array,
}

/// util-linux `ul_jsonwrt` in its pretty format.
struct JsonWriter<'a, 'b> {
    sink: &'a mut Sink<'b>,
    indent: usize,
    after_close: bool,
}

impl<'a, 'b> JsonWriter<'a, 'b> {
    fn new(sink: &'a mut Sink<'b>) -> JsonWriter<'a, 'b> {
        JsonWriter {
            sink,
            indent: 0,
            after_close: false,
        }
    }

    fn put_indent(&mut self) {
        for _ in 0..self.indent {
            self.sink.buf.extend_from_slice(b"   ");
        }
    }

    fn name(&mut self, name: Option<&[u8]>) {
        if self.after_close {
            self.sink
                .buf
                .extend_from_slice(if name.is_some() { b",\n" } else { b"," });
        }
        if name.is_some() || !self.after_close {
            self.put_indent();
        }
        if let Some(name) = name {
            let lower: Vec<u8> = name.iter().map(u8::to_ascii_lowercase).collect();
            json_string(&mut self.sink.buf, &lower);
        }
    }

    fn open(&mut self, name: Option<&[u8]>, kind: JsonKind) {
        self.name(name);
        let s: &[u8] = match (kind, name.is_some()) {
            (JsonKind::Object, true) => b": {\n",
            (JsonKind::Object, false) => b"{\n",
            (JsonKind::Array, true) => b": [\n",
            (JsonKind::Array, false) => b"[\n",
        };
        self.sink.buf.extend_from_slice(s);
        self.indent += 1;
        self.after_close = false;
    }

    fn close(&mut self, kind: JsonKind) {
        self.indent = self.indent.saturating_sub(1);
        self.sink.buf.push(b'\n');
        self.put_indent();
        self.sink
            .buf
            .push(if kind == JsonKind::Object { b'}' } else { b']' });
        if self.indent == 0 {
            self.sink.buf.push(b'\n');
        }
        self.after_close = true;
    }

    fn empty_array(&mut self, name: Option<&[u8]>) {
        self.name(name);
        self.sink
            .buf
            .extend_from_slice(if name.is_some() { b": []" } else { b"[]" });
        self.after_close = true;
    }

    /// A scalar: `raw` unquoted, else a JSON string; `null` when empty.
    fn value(&mut self, name: Option<&[u8]>, data: &[u8], raw: bool) {
        self.name(name);
        self.sink
            .buf
            .extend_from_slice(if name.is_some() { b": " } else { b" " });
        if data.is_empty() {
            self.sink.buf.extend_from_slice(b"null");
        } else if raw {
            self.sink.buf.extend_from_slice(data);
        } else {
            json_string(&mut self.sink.buf, data);
        }
        self.after_close = true;
    }
}

/// util-linux `fputs_quoted_json()`: `"` and `\` escaped, control bytes as
/// `\b \t \n \f \r` or `\u00XX`, other UTF-8 as it is. Unlike util-linux,
/// which copies every byte from 0x20 up, a byte that is not part of valid
/// UTF-8 becomes U+FFFD (one per invalid sequence, as
/// `String::from_utf8_lossy`), so the output is always valid JSON.
fn json_string(out: &mut Vec<u8>, data: &[u8]) {
    out.push(b'"');
    for chunk in data.utf8_chunks() {
        for &b in chunk.valid().as_bytes() {
            match b {
                b'"' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                0x20.. => out.push(b),
                0x08 => out.extend_from_slice(b"\\b"),
                b'\t' => out.extend_from_slice(b"\\t"),
                b'\n' => out.extend_from_slice(b"\\n"),
                0x0c => out.extend_from_slice(b"\\f"),
                b'\r' => out.extend_from_slice(b"\\r"),
                _ => out.extend_from_slice(format!("\\u00{b:02x}").as_bytes()),
            }
        }
        if !chunk.invalid().is_empty() {
            out.extend_from_slice("\u{fffd}".as_bytes());
        }
    }
    out.push(b'"');
}

/// Whether `cell` can be written as a JSON number: an optional `-`, an
/// integer without leading zeros, an optional fraction (no exponent, which
/// could overflow a reader's double). Other text in a number column (never
/// produced by the tools) is written as a string, where libsmartcols would
/// write invalid JSON.
fn is_json_number(cell: &[u8]) -> bool {
    let s = cell.strip_prefix(b"-").unwrap_or(cell);
    let (int, frac) = match s.iter().position(|&b| b == b'.') {
        Some(p) => (&s[..p], Some(&s[p + 1..])),
        None => (s, None),
    };
    !int.is_empty()
        && int.iter().all(u8::is_ascii_digit)
        && (int.len() == 1 || int[0] != b'0')
        && frac.is_none_or(|f| !f.is_empty() && f.iter().all(u8::is_ascii_digit))
}

/// libsmartcols `print_json_data()`.
fn json_value(w: &mut JsonWriter<'_, '_>, col: &Column, name: &[u8], cell: &[u8]) {
    match col.json {
        JsonType::String => w.value(Some(name), cell, false),
        JsonType::Number => w.value(Some(name), cell, is_json_number(cell)),
        JsonType::Boolean => {
            let v: &[u8] = match cell.first() {
                None | Some(b'0' | b'N' | b'n') => b"false",
                Some(_) => b"true",
            };
            w.value(Some(name), v, true);
        }
        JsonType::ArrayString => {
            let items: Vec<&[u8]> = if col.multiline {
                cell.split(|&b| b == 0).filter(|s| !s.is_empty()).collect()
            } else if cell.is_empty() {
                Vec::new()
            } else {
                vec![cell]
            };
            if items.is_empty() {
                w.empty_array(Some(name));
                return;
            }
            w.open(Some(name), JsonKind::Array);
            for item in items {
                w.value(None, item, false);
            }
            w.close(JsonKind::Array);
        }
    }
}

/// Selects the character classes and the tree glyphs of the user's locale
/// (`setlocale(LC_CTYPE, "")`), as util-linux tools do at start-up. Call once
/// from a tool's entry point, before any thread is started.
pub fn init_locale() {
    ctype::init();
}

/// True when the current locale's character set is UTF-8
/// (`nl_langinfo(CODESET)`), so trees get the `├─` glyphs.
pub fn locale_is_utf8() -> bool {
    ctype::codeset_is_utf8()
}

/// The C library's character classification in the current locale. The only
/// unsafe code of the table writer: each call is a plain FFI call on valid
/// pointers.
mod ctype {
    use std::ffi::CStr;

    /// glibc/musl `mbstate_t` (8 bytes; 16 reserved to be safe), zeroed
    /// means the initial state.
    #[derive(Default)]
    #[repr(C, align(8))]
    pub struct MbState([u8; 16]);

    extern "C" {
        fn mbrtowc(
            pwc: *mut libc::wchar_t,
            s: *const libc::c_char,
            n: libc::size_t,
            ps: *mut MbState,
        ) -> libc::size_t;
        fn iswprint(wc: libc::c_uint) -> libc::c_int;
        fn wcwidth(wc: libc::wchar_t) -> libc::c_int;
    }

    /// One decoding step.
    pub enum Decoded {
        /// A character of `len` bytes; `cells` is its wcwidth().
        Char {
            len: usize,
            printable: bool,
            cells: i32,
        },
        /// An invalid or incomplete sequence (one byte is consumed).
        Invalid,
    }

    /// mbrtowc() on the start of `s` (non-empty, no NUL inside).
    pub fn decode(s: &[u8], state: &mut MbState) -> Decoded {
        let mut wc: libc::wchar_t = 0;
        // SAFETY: `s` is a live slice of `s.len()` bytes, `wc` and `state`
        // are valid for writes; mbrtowc reads at most `n` bytes.
        let n = unsafe { mbrtowc(&mut wc, s.as_ptr().cast(), s.len(), state) };
        if n == usize::MAX || n == usize::MAX - 1 || n == 0 {
            *state = MbState::default();
            return Decoded::Invalid;
        }
        // SAFETY: iswprint/wcwidth take any value and only read locale data.
        let printable = unsafe { iswprint(wc as libc::c_uint) } != 0;
        // SAFETY: as above.
        let cells = unsafe { wcwidth(wc) };
        Decoded::Char {
            len: n.min(s.len()),
            printable,
            cells,
        }
    }

    pub fn is_print(b: u8) -> bool {
        // SAFETY: isprint is defined for every unsigned char value.
        unsafe { libc::isprint(libc::c_int::from(b)) != 0 }
    }

    pub fn is_cntrl(b: u8) -> bool {
        // SAFETY: iscntrl is defined for every unsigned char value.
        unsafe { libc::iscntrl(libc::c_int::from(b)) != 0 }
    }

    pub fn is_blank(b: u8) -> bool {
        // SAFETY: isblank is defined for every unsigned char value.
        unsafe { libc::isblank(libc::c_int::from(b)) != 0 }
    }

    pub fn init() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            // SAFETY: the argument is a valid C string; called once, before
            // threads that could read the locale concurrently.
            unsafe { libc::setlocale(libc::LC_CTYPE, c"".as_ptr()) };
        });
    }

    pub fn codeset_is_utf8() -> bool {
        // SAFETY: nl_langinfo returns a pointer to a static NUL-terminated
        // string, valid until the next setlocale/nl_langinfo call; it is
        // copied out at once.
        let p = unsafe { libc::nl_langinfo(libc::CODESET) };
        if p.is_null() {
            return false;
        }
        // SAFETY: `p` is non-null and NUL-terminated (see above).
        unsafe { CStr::from_ptr(p) }.to_bytes() == b"UTF-8"
    }

    /// Test helper: switch LC_CTYPE (tests holding a lock around it).
    #[cfg(test)]
    pub fn set_ctype(name: &std::ffi::CStr) -> bool {
        // SAFETY: valid C string; the caller serializes locale changes.
        !unsafe { libc::setlocale(libc::LC_CTYPE, name.as_ptr()) }.is_null()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Locale changes are process-wide; tests that depend on them take this.
    static LOCALE: Mutex<()> = Mutex::new(());

    fn with_ctype<T>(name: &std::ffi::CStr, f: impl FnOnce() -> T) -> T {
        let _guard = LOCALE.lock().unwrap_or_else(|e| e.into_inner());
        assert!(ctype::set_ctype(name), "locale {name:?} available");
        let r = f();
        ctype::set_ctype(c"C");
        r
    }

    fn text(t: &Table, g: Glyphs) -> String {
        String::from_utf8(t.render(g)).expect("utf-8 output")
    }

    /// TARGET(tree) SOURCE ID(right, number): / with two children, the first
    /// with a child of its own.
    fn sample() -> Table {
        let mut t = Table::new(
            "filesystems",
            vec![
                Column::new("TARGET").tree(),
                Column::new("SOURCE"),
                Column::new("ID").right().hint(2.0).json(JsonType::Number),
            ],
        );
        let root = t.add_line(None);
        t.set_cell(root, 0, "/");
        t.set_cell(root, 1, "/dev/sda");
        t.set_cell(root, 2, "1");
        let a = t.add_line(Some(root));
        t.set_cell(a, 0, "/a");
        t.set_cell(a, 1, "tmpfs");
        t.set_cell(a, 2, "20");
        let b = t.add_line(Some(a));
        t.set_cell(b, 0, "/a/b");
        t.set_cell(b, 2, "300");
        let c = t.add_line(Some(root));
        t.set_cell(c, 0, "/c");
        t.set_cell(c, 1, "x");
        t.set_cell(c, 2, "4");
        t
    }

    #[test]
    fn tree_with_ascii_glyphs_pads_all_but_last_column() {
        let t = sample();
        assert_eq!(
            text(&t, Glyphs::Ascii),
            "TARGET   SOURCE    ID\n\
             /        /dev/sda   1\n\
             |-/a     tmpfs     20\n\
             | `-/a/b          300\n\
             `-/c     x          4\n"
        );
    }

    #[test]
    fn tree_with_utf8_glyphs_measures_display_columns() {
        let t = sample();
        let out = with_ctype(c"C.UTF-8", || text(&t, Glyphs::Utf8));
        assert_eq!(
            out,
            "TARGET   SOURCE    ID\n\
             /        /dev/sda   1\n\
             \u{251c}\u{2500}/a     tmpfs     20\n\
             \u{2502} \u{2514}\u{2500}/a/b          300\n\
             \u{2514}\u{2500}/c     x          4\n"
        );
    }

    #[test]
    fn ascii_flag_overrides_utf8_glyphs() {
        let mut t = sample();
        t.ascii = true;
        assert!(text(&t, Glyphs::Utf8).contains("| `-/a/b"));
    }

    #[test]
    fn list_is_insertion_order_without_tree_column() {
        let mut t = Table::new("x", vec![Column::new("A"), Column::new("B")]);
        let a = t.add_line(None);
        t.set_cell(a, 0, "one");
        t.set_cell(a, 1, "1");
        let b = t.add_line(Some(a));
        t.set_cell(b, 0, "two-long");
        t.noheadings = true;
        assert_eq!(text(&t, Glyphs::Ascii), "one      1\ntwo-long \n");
    }

    #[test]
    fn raw_escapes_blanks_backslashes_and_control_bytes() {
        let mut t = Table::new("x", vec![Column::new("TARGET"), Column::new("OPTS")]);
        t.format = Format::Raw;
        let l = t.add_line(None);
        t.set_cell(l, 0, &b"/sp ace\ttab\\x\r\xff"[..]);
        t.set_cell(l, 1, "a=\"b\"");
        let l = t.add_line(None);
        t.set_cell(l, 0, "/e");
        assert_eq!(
            text(&t, Glyphs::Ascii),
            "TARGET OPTS\n/sp\\x20ace\\x09tab\\x5cx\\x0d\\xff a=\"b\"\n/e \n"
        );
    }

    #[test]
    fn pairs_quote_and_escape_values() {
        let mut t = Table::new(
            "x",
            vec![
                Column::new("MAJ:MIN"),
                Column::new("USE%"),
                Column::new("S"),
            ],
        );
        t.format = Format::Pairs;
        let l = t.add_line(None);
        t.set_cell(l, 0, "8:1");
        t.set_cell(l, 1, "5%");
        t.set_cell(l, 2, "$a`b\"c\\d e");
        assert_eq!(
            text(&t, Glyphs::Ascii),
            "MAJ:MIN=\"8:1\" USE%=\"5%\" S=\"\\x24a\\x60b\\x22c\\x5cd e\"\n"
        );
        t.shellvar = true;
        assert!(text(&t, Glyphs::Ascii).starts_with("MAJ_MIN=\"8:1\" USE_PCT=\"5%\""));
    }

    #[test]
    fn json_nests_children_and_types_numbers() {
        let mut t = sample();
        t.format = Format::Json;
        let out = text(&t, Glyphs::Ascii);
        let want = r#"{
   "filesystems": [
      {
         "target": "/",
         "source": "/dev/sda",
         "id": 1,
         "children": [
            {
               "target": "/a",
               "source": "tmpfs",
               "id": 20,
               "children": [
                  {
                     "target": "/a/b",
                     "source": null,
                     "id": 300
                  }
               ]
            },{
               "target": "/c",
               "source": "x",
               "id": 4
            }
         ]
      }
   ]
}
"#;
        assert_eq!(out, want);
    }

    #[test]
    fn json_of_an_empty_table_keeps_the_array() {
        let mut t = Table::new("filesystems", vec![Column::new("TARGET")]);
        t.format = Format::Json;
        assert_eq!(
            text(&t, Glyphs::Ascii),
            "{\n   \"filesystems\": [\n\n   ]\n}\n"
        );
        t.format = Format::Human;
        assert_eq!(text(&t, Glyphs::Ascii), "");
    }

    #[test]
    fn json_escapes_control_bytes_and_keeps_others() {
        let mut t = Table::new("t", vec![Column::new("A")]);
        t.format = Format::Json;
        let l = t.add_line(None);
        t.set_cell(l, 0, &b"q\"b\\n\nt\tc\x01\xc3\xa9"[..]);
        let out = t.render(Glyphs::Ascii);
        let want: &[u8] = b"{\n   \"t\": [\n      {\n         \"a\": \"q\\\"b\\\\n\\nt\\tc\\u0001\xc3\xa9\"\n      }\n   ]\n}\n";
        assert_eq!(out, want);
    }

    /// Found by the `table` fuzz target: util-linux copies bytes that are
    /// not UTF-8 into its JSON, which JSON readers reject; nsbox writes
    /// U+FFFD for each invalid sequence, as `String::from_utf8_lossy`.
    #[test]
    fn json_replaces_invalid_utf8_so_the_output_stays_valid_json() {
        let mut t = Table::new("t", vec![Column::new("A")]);
        t.format = Format::Json;
        let l = t.add_line(None);
        t.set_cell(l, 0, &b"/bad\xff\xfe|\xe6\x97|\xe6\x97\xa5"[..]);
        let out = String::from_utf8(t.render(Glyphs::Ascii)).expect("UTF-8 output");
        assert!(
            out.contains("\"a\": \"/bad\u{fffd}\u{fffd}|\u{fffd}|\u{65e5}\""),
            "{out}"
        );
    }

    /// Found by the `table` fuzz target: a number column whose cell is not a
    /// number was written unquoted (invalid JSON); it is a string now.
    #[test]
    fn json_number_column_quotes_text_that_is_not_a_number() {
        let mut t = Table::new("t", vec![Column::new("N").json(JsonType::Number)]);
        t.format = Format::Json;
        for cell in ["42", "-1", "0.5", "007", "1e999", "x y", "-"] {
            let l = t.add_line(None);
            t.set_cell(l, 0, cell);
        }
        let out = String::from_utf8(t.render(Glyphs::Ascii)).expect("UTF-8 output");
        for want in [
            "\"n\": 42\n",
            "\"n\": -1\n",
            "\"n\": 0.5\n",
            "\"n\": \"007\"",
            "\"n\": \"1e999\"",
            "\"n\": \"x y\"",
            "\"n\": \"-\"",
        ] {
            assert!(out.contains(want), "{want} in {out}");
        }
    }

    #[test]
    fn human_escapes_control_and_invalid_bytes() {
        let mut t = Table::new("t", vec![Column::new("A"), Column::new("B")]);
        let l = t.add_line(None);
        t.set_cell(l, 0, &b"a\rb\\xc\xff"[..]);
        t.set_cell(l, 1, "z");
        let out = with_ctype(c"C", || text(&t, Glyphs::Ascii));
        assert_eq!(out, "A                B\na\\x0db\\x5cxc\\xff z\n");
    }

    #[test]
    fn human_counts_wide_characters_in_utf8() {
        let mut t = Table::new("t", vec![Column::new("A"), Column::new("B")]);
        let l = t.add_line(None);
        t.set_cell(l, 0, "\u{65e5}\u{672c}");
        t.set_cell(l, 1, "z");
        let l = t.add_line(None);
        t.set_cell(l, 0, "abcde");
        t.set_cell(l, 1, "y");
        let out = with_ctype(c"C.UTF-8", || text(&t, Glyphs::Utf8));
        assert_eq!(out, "A     B\n\u{65e5}\u{672c}  z\nabcde y\n");
    }

    #[test]
    fn width_hint_widens_numbers_wider_than_the_header() {
        let col = Column::new("TID").right().hint(4.0);
        assert_eq!(column_width(&col, 2, Some(3)), 3);
        assert_eq!(column_width(&col, 2, None), 4);
        assert_eq!(column_width(&col, 0, None), 0);
        assert_eq!(column_width(&col, 7, Some(3)), 7);
    }

    #[test]
    fn right_aligned_last_column_is_padded_on_the_left() {
        let mut t = Table::new("t", vec![Column::new("A"), Column::new("NUMBER").right()]);
        let l = t.add_line(None);
        t.set_cell(l, 0, "x");
        t.set_cell(l, 1, "7");
        assert_eq!(text(&t, Glyphs::Ascii), "A NUMBER\nx      7\n");
    }

    #[test]
    fn multiline_cells_print_one_value_per_line() {
        let mut t = Table::new(
            "t",
            vec![
                Column::new("T").tree(),
                Column::new("S").multiline().json(JsonType::ArrayString),
                Column::new("Z"),
            ],
        );
        let r = t.add_line(None);
        t.set_cell(r, 0, "/");
        t.set_cell(r, 1, &b"a\0bbbb"[..]);
        t.set_cell(r, 2, "z");
        let c = t.add_line(Some(r));
        t.set_cell(c, 0, "/x");
        assert_eq!(
            text(&t, Glyphs::Ascii),
            "T    S    Z\n/    a    z\n|    bbbb \n`-/x      \n"
        );
        t.format = Format::Raw;
        assert_eq!(text(&t, Glyphs::Ascii), "T S Z\n/ a\\x0abbbb z\n`-/x  \n");
        t.format = Format::Json;
        let json = text(&t, Glyphs::Ascii);
        assert!(
            json.contains("\"s\": [\n             \"a\", \"bbbb\"\n         ],"),
            "{json}"
        );
        assert!(json.contains("\"s\": [],"), "{json}");
    }

    #[test]
    fn hyperlinks_wrap_the_value_after_the_tree_art() {
        let mut t = Table::new(
            "t",
            vec![Column::new("T").tree().uri("file://h"), Column::new("S")],
        );
        let r = t.add_line(None);
        t.set_cell(r, 0, "/");
        t.set_cell(r, 1, "a");
        let c = t.add_line(Some(r));
        t.set_cell(c, 0, "/x");
        t.set_cell(c, 1, "b");
        assert_eq!(
            text(&t, Glyphs::Ascii),
            "T    S\n\x1b]8;;file://h/\x1b\\/\x1b]8;;\x1b\\    a\n\
             `-\x1b]8;;file://h/x\x1b\\/x\x1b]8;;\x1b\\ b\n"
        );
    }

    /// Found by the `table` fuzz target: a control byte in a hyperlinked
    /// value went into the OSC 8 sequence as it was (util-linux does so),
    /// where ESC could end it and start another escape sequence; it is
    /// percent-encoded now. The shown text was already `\xNN`-escaped.
    #[test]
    fn hyperlink_targets_percent_encode_control_bytes() {
        let mut t = Table::new("t", vec![Column::new("T").uri("file://h")]);
        let r = t.add_line(None);
        t.set_cell(r, 0, &b"/a\x1b]8;;x\x07\n\x7f b%"[..]);
        t.noheadings = true;
        let out = t.render(Glyphs::Ascii);
        let want: &[u8] = b"\x1b]8;;file://h/a%1B]8;;x%07%0A%7F b%\x1b\\/a\\x1b]8;;x\\x07\\x0a\\x7f b%\x1b]8;;\x1b\\\n";
        assert_eq!(out, want, "{}", String::from_utf8_lossy(&out));
    }

    #[test]
    fn noheadings_and_shellvar_names() {
        assert_eq!(shellvar_name("MAJ:MIN"), b"MAJ_MIN");
        assert_eq!(shellvar_name("USE%"), b"USE_PCT");
        assert_eq!(shellvar_name("1FOO"), b"_1FOO");
        let mut t = sample();
        t.noheadings = true;
        t.format = Format::Raw;
        assert_eq!(
            text(&t, Glyphs::Ascii),
            "/ /dev/sda 1\n|-/a tmpfs 20\n|\\x20`-/a/b  300\n`-/c x 4\n"
        );
    }
}
