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
//! the header).
//!
//! On a terminal ([`Table::terminal`]; by default [`Table::print`] asks
//! whether stdout is one) the human format is fitted to the terminal width
//! as libsmartcols 2.42 does it (`__scols_calculate()`): columns wider than
//! the room left are narrowed, worst spread of cell widths first, by the
//! rules of their [`Column::trunc`], [`Column::noextremes`] and relative
//! [`Column::width_hint`]; room to spare widens columns with an absolute hint
//! and then the last column. A cell wider than its column is cut at the
//! column width in a [`Column::trunc`] column; in any other column it is
//! printed whole and the next column starts on a new line, below its place
//! (the tree column shows the tree's vertical lines there). Off a terminal,
//! and in the raw, pairs and JSON formats, nothing is narrowed.
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
    /// hint (numbers keep a steady width), and on a terminal with room to
    /// spare it is widened up to the hint. Fractions are shares of the
    /// terminal width that a [`Column::trunc`] column is narrowed to first.
    pub width_hint: f64,
    /// Right-aligned (numbers).
    pub right: bool,
    /// The tree column: cells start with the tree glyphs.
    pub tree: bool,
    /// On a terminal, the column may be narrowed and its cells cut at the
    /// column width (libsmartcols `SCOLS_FL_TRUNC`).
    pub trunc: bool,
    /// On a terminal, the column may be narrowed towards the usual width of
    /// its cells, ignoring a few very wide ones, which then push the rest of
    /// their line to the next line (libsmartcols `SCOLS_FL_NOEXTREMES`).
    pub noextremes: bool,
    /// The column is as wide as its widest cell (or its absolute hint) even
    /// when the header is wider (libsmartcols `SCOLS_FL_STRICTWIDTH`).
    pub strict_width: bool,
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
            noextremes: false,
            strict_width: false,
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

    /// Marks the column as truncatable (see [`Column::trunc`]).
    pub fn trunc(mut self) -> Column {
        self.trunc = true;
        self
    }

    /// Lets wide cells overflow on a terminal (see [`Column::noextremes`]).
    pub fn noextremes(mut self) -> Column {
        self.noextremes = true;
        self
    }

    /// Makes the width strict (see [`Column::strict_width`]).
    pub fn strict_width(mut self) -> Column {
        self.strict_width = true;
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
    parent: Option<usize>,
    children: Vec<usize>,
}

/// Where a cell's bytes are in [`Table`]'s text, and whether they are shown
/// as they are ([`shown_as_is`], found once when the cell is set).
#[derive(Clone, Debug, Default)]
struct Span {
    start: usize,
    end: usize,
    as_is: bool,
}

/// A table being built, then printed once with [`Table::print`].
#[derive(Clone, Debug)]
pub struct Table {
    name: String,
    columns: Vec<Column>,
    lines: Vec<Line>,
    /// The cells' bytes, one after another (one allocation for the whole
    /// table rather than one per cell).
    text: Vec<u8>,
    /// Cell (line `i`, column `c`) is `spans[i * ncols + c]`.
    spans: Vec<Span>,
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
    /// Whether the human format is fitted to a terminal's width.
    pub terminal: Terminal,
}

/// Whether a table's human output goes to a terminal (libsmartcols
/// `is_term` and `termwidth`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Terminal {
    /// [`Table::print`] asks, as [`Terminal::stdout`] does;
    /// [`Table::render`] takes it as [`Terminal::Never`].
    #[default]
    Auto,
    /// Not a terminal: no column is narrowed.
    Never,
    /// A terminal this many columns wide.
    Width(usize),
}

impl Terminal {
    /// What stdout is, as libsmartcols finds out: a terminal when
    /// `isatty(1)`, as wide as `TIOCGWINSZ` says, or when that gives no
    /// width as `$COLUMNS` says (a decimal number from 1 to `INT_MAX`),
    /// else 80 columns wide. `$COLUMNS` alone does not make stdout a
    /// terminal.
    pub fn stdout() -> Terminal {
        use std::io::IsTerminal;
        if !io::stdout().is_terminal() {
            return Terminal::Never;
        }
        let width = match term::stdout_columns() {
            0 => std::env::var_os("COLUMNS")
                .and_then(|v| columns_env(v.as_encoded_bytes()))
                .unwrap_or(80),
            n => n,
        };
        Terminal::Width(width)
    }

    fn width(self) -> Option<usize> {
        match self {
            Terminal::Width(w) => Some(w),
            Terminal::Auto | Terminal::Never => None,
        }
    }
}

/// util-linux `get_env_int()`: `strtol()` of the whole value, which must be
/// positive and fit an `int`.
fn columns_env(v: &[u8]) -> Option<usize> {
    let s = std::str::from_utf8(v).ok()?;
    let s = s.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let s = s.strip_prefix('+').unwrap_or(s);
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = s.parse().ok()?;
    (1..=i64::from(i32::MAX))
        .contains(&n)
        .then(|| usize::try_from(n).ok())
        .flatten()
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
            text: Vec::new(),
            spans: Vec::new(),
            format: Format::Human,
            noheadings: false,
            ascii: false,
            shellvar: false,
            terminal: Terminal::Auto,
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
        self.spans
            .extend(std::iter::repeat_n(Span::default(), self.columns.len()));
        self.lines.push(Line {
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
    pub fn set_cell(&mut self, line: LineId, column: usize, data: impl AsRef<[u8]>) {
        if column >= self.columns.len() {
            return;
        }
        let Some(span) = self.spans.get_mut(line.0 * self.columns.len() + column) else {
            return;
        };
        let data = data.as_ref();
        let start = self.text.len();
        self.text.extend_from_slice(data);
        *span = Span {
            start,
            end: start + data.len(),
            // Only the human format asks (human_cell); others skip the scan.
            as_is: self.format == Format::Human && shown_as_is(data),
        };
    }

    /// The bytes of cell (line `i`, column `c`).
    fn cell(&self, i: usize, c: usize) -> &[u8] {
        let span = &self.spans[i * self.columns.len() + c];
        &self.text[span.start..span.end]
    }

    /// Makes room for `lines` more lines (with about 64 bytes of text
    /// each), in huge pages when that is big ([`crate::mem`]).
    pub fn reserve(&mut self, lines: usize) {
        self.lines.reserve(lines);
        self.spans.reserve(lines.saturating_mul(self.columns.len()));
        self.text.reserve(lines.saturating_mul(64));
        crate::mem::advise_huge_pages(&self.lines);
        crate::mem::advise_huge_pages(&self.spans);
        crate::mem::advise_huge_pages(&self.text);
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
    /// line by line (a large table is not held in memory twice). With
    /// [`Terminal::Auto`], the human format is fitted to stdout when it is
    /// a terminal (whatever `out` is, as libsmartcols does).
    ///
    /// # Errors
    /// The first write error of `out`.
    pub fn print(&self, out: &mut dyn Write) -> io::Result<()> {
        let glyphs = if !self.ascii && ctype::codeset_is_utf8() {
            Glyphs::Utf8
        } else {
            Glyphs::Ascii
        };
        let terminal = match self.terminal {
            Terminal::Auto if self.format == Format::Human && !self.lines.is_empty() => {
                Terminal::stdout()
            }
            t => t,
        };
        let mut sink = Sink {
            buf: Vec::new(),
            out: Some(out),
            err: None,
        };
        self.render_into(&mut sink, glyphs, terminal.width());
        sink.flush(true);
        match sink.err {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The bytes [`Table::print`] writes, with the given glyphs (ignored
    /// when [`Table::ascii`] is set), for the terminal [`Table::terminal`]
    /// names ([`Terminal::Auto`] is no terminal here).
    pub fn render(&self, glyphs: Glyphs) -> Vec<u8> {
        let mut sink = Sink {
            buf: Vec::new(),
            out: None,
            err: None,
        };
        self.render_into(&mut sink, glyphs, self.terminal.width());
        sink.buf
    }

    fn render_into(&self, sink: &mut Sink<'_>, glyphs: Glyphs, termwidth: Option<usize>) {
        let sym = if self.ascii || glyphs == Glyphs::Ascii {
            ASCII_SYMBOLS
        } else {
            UTF8_SYMBOLS
        };
        match self.format {
            Format::Json => self.render_json(sink),
            _ if self.lines.is_empty() => {}
            Format::Human => self.render_human(sink, sym, termwidth),
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
        let cell = self.cell(i, c);
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
        let cell = self.cell(i, c);
        if !col.multiline && art.is_empty() {
            let enc = if self.spans[i * self.columns.len() + c].as_is {
                Encoded {
                    bytes: std::borrow::Cow::Borrowed(cell),
                    width: cell.len(),
                }
            } else {
                Encoded::new(cell)
            };
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

    /// The glyphs the tree column of line `i` shows on a physical line that
    /// continues the line (libsmartcols `print_empty_cell()`): the vertical
    /// lines of its ancestors, and its own when it has children.
    fn empty_tree_art(&self, i: usize, sym: Symbols) -> Vec<u8> {
        let mut art = Vec::new();
        self.ancestors_art(i, sym, &mut art);
        if !self.lines[i].children.is_empty() {
            art.extend_from_slice(sym.vertical.as_bytes());
        }
        art
    }

    /// libsmartcols `print_newline_padding()`: ends the physical line and
    /// fills columns `..=upto` of the next one (the tree column of data
    /// line `line` with its vertical lines), so that the next column starts
    /// at its place.
    fn newline_padding(
        &self,
        out: &mut Vec<u8>,
        line: Option<usize>,
        upto: usize,
        widths: &[usize],
        sym: Symbols,
    ) {
        out.push(b'\n');
        let tree = self.is_tree();
        for (c, col) in self.columns.iter().enumerate().take(upto + 1) {
            let used = match line {
                Some(i) if col.tree && tree => {
                    let enc = Encoded::new(&self.empty_tree_art(i, sym));
                    out.extend_from_slice(&enc.bytes);
                    enc.width
                }
                _ => 0,
            };
            pad(out, widths[c].saturating_sub(used));
            out.push(b' ');
        }
    }

    /// The column widths libsmartcols `__scols_calculate()` gives when the
    /// tree glyphs are `sym`, fitted to `termwidth` when output is a
    /// terminal that wide.
    fn human_widths(&self, order: &[usize], sym: Symbols, termwidth: Option<usize>) -> Vec<usize> {
        let ncols = self.columns.len();
        let mut maxes: Vec<usize> = vec![0; ncols];
        // Each cell's width, by line, for the spread of widths on a terminal.
        let mut cells: Vec<usize> = Vec::new();
        if termwidth.is_some() {
            cells.resize(self.lines.len() * ncols, 0);
        }
        for &i in order {
            for (c, m) in maxes.iter_mut().enumerate() {
                let w = self.human_cell(i, c, sym).1;
                *m = (*m).max(w);
                if let Some(slot) = cells.get_mut(i * ncols + c) {
                    *slot = w;
                }
            }
        }
        let headers: Vec<Option<usize>> = self
            .columns
            .iter()
            // The header's width is the column's own name's: with -y the
            // shell-variable spelling is put in its place only when printed
            // (libsmartcols), and may overflow (`USE_PCT` over `13%`).
            .map(|col| (!self.noheadings).then(|| Encoded::new(col.name.as_bytes()).width))
            .collect();
        let widths = self
            .columns
            .iter()
            .zip(&maxes)
            .zip(&headers)
            .map(|((col, &max), &header)| column_width(col, max, header))
            .collect();
        let Some(outwidth) = termwidth else {
            return widths;
        };
        let tree = self.is_tree();
        // The widest tree glyphs: two columns per level below the root.
        let mut depths = vec![0; if tree { self.lines.len() } else { 0 }];
        for &i in order {
            if let (Some(p), true) = (self.lines[i].parent, tree) {
                depths[i] = depths[p] + 1;
            }
        }
        let treeart = 2 * depths.iter().copied().max().unwrap_or(0);
        let mut fits: Vec<Fit> = self
            .columns
            .iter()
            .enumerate()
            .map(|(c, col)| {
                let width = widths[c];
                let (avg, dev) = spread((0..self.lines.len()).map(|i| cells[i * ncols + c]));
                Fit {
                    width,
                    min: column_min(maxes[c], headers[c], width),
                    max: maxes[c],
                    avg,
                    dev,
                    hint: col.width_hint,
                    treeart: (col.tree && tree).then_some(treeart),
                    trunc: col.trunc,
                    noextremes: col.noextremes,
                    right: col.right,
                }
            })
            .collect();
        fit_columns(&mut fits, outwidth);
        fits.iter().map(|f| f.width).collect()
    }

    fn render_human(&self, sink: &mut Sink<'_>, sym: Symbols, termwidth: Option<usize>) {
        let order = self.order();
        let tree = self.is_tree();
        let ncols = self.columns.len();
        let widths = self.human_widths(&order, sym, termwidth);
        let multiline = self.columns.iter().any(|c| c.multiline);

        if !self.noheadings {
            for (c, col) in self.columns.iter().enumerate() {
                let name = self.column_name(col);
                let enc = Encoded::new(&name);
                let last = c + 1 == ncols;
                if put_human_cell(&mut sink.buf, &enc, col, widths[c], last, None) {
                    self.newline_padding(&mut sink.buf, None, c, &widths, sym);
                }
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
                    let cell = self.cell(i, c);
                    let value = cell.split(|&b| b == 0).next().unwrap_or_default();
                    (art, link_target(prefix, value))
                });
                let last = c + 1 == ncols;
                if put_human_cell(&mut sink.buf, &enc, col, widths[c], last, link) {
                    self.newline_padding(&mut sink.buf, Some(i), c, &widths, sym);
                }
            }
            // Further values of multi-line cells, one physical line each.
            let chunks: Vec<Vec<&[u8]>> = if multiline {
                self.columns
                    .iter()
                    .enumerate()
                    .map(|(c, col)| {
                        if col.multiline {
                            let cell = self.cell(i, c);
                            cell.split(|&b| b == 0).filter(|s| !s.is_empty()).collect()
                        } else {
                            Vec::new()
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
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
                            let enc = Encoded::new(&self.empty_tree_art(i, sym));
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
                json_value(&mut w, col, &name, self.cell(i, c));
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

/// libsmartcols' column width before fitting to a terminal: the widest
/// cell, at least the header (or 1) unless the width is strict; widened to
/// an absolute width hint when the cells are wider than the header (or the
/// width is strict) but narrower than the hint; 0 for a column without
/// header and data.
fn column_width(col: &Column, max: usize, header: Option<usize>) -> usize {
    let min = header.unwrap_or(0).max(1);
    let hint = if col.width_hint >= 1.0 {
        col.width_hint as usize
    } else {
        0
    };
    let mut width = max;
    if width <= min && !col.strict_width {
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
/// length of the tree art and the URI when the cell is a hyperlink. A cell
/// wider than `width` is cut in a [`Column::trunc`] column; in another
/// column other than the last it is printed whole, and the return value
/// says that the next column must start on a new line.
fn put_human_cell(
    out: &mut Vec<u8>,
    enc: &Encoded<'_>,
    col: &Column,
    width: usize,
    last: bool,
    link: Option<(usize, Vec<u8>)>,
) -> bool {
    let mut width = width;
    let mut len = enc.width;
    if last && len < width && !col.right {
        width = len;
    }
    let mut bytes: &[u8] = &enc.bytes;
    if len > width && col.trunc {
        let (n, cells) = truncate(bytes, width);
        bytes = &bytes[..n];
        len = cells;
    }
    if !bytes.is_empty() {
        if col.right {
            pad(out, width.saturating_sub(len));
            len = width;
        }
        match link {
            Some((art, uri)) => {
                let art = art.min(bytes.len());
                out.extend_from_slice(&bytes[..art]);
                out.extend_from_slice(b"\x1b]8;;");
                out.extend_from_slice(&uri);
                out.extend_from_slice(b"\x1b\\");
                out.extend_from_slice(&bytes[art..]);
                out.extend_from_slice(b"\x1b]8;;\x1b\\");
            }
            None => out.extend_from_slice(bytes),
        }
    }
    if last {
        return false;
    }
    pad(out, width.saturating_sub(len));
    if len > width && !col.trunc {
        return true;
    }
    out.push(b' ');
    false
}

/// libsmartcols `mbs_truncate()` on text made safe by [`Encoded`]: the
/// length of the longest start of `s` at most `width` display columns wide,
/// and its width.
fn truncate(s: &[u8], width: usize) -> (usize, usize) {
    if s.is_ascii() {
        let n = s.len().min(width);
        return (n, n);
    }
    let (mut at, mut cells) = (0, 0);
    let mut state = ctype::MbState::default();
    while at < s.len() {
        let (len, w) = match ctype::decode(&s[at..], &mut state) {
            ctype::Decoded::Char { len, cells, .. } => (len, usize::try_from(cells).unwrap_or(1)),
            ctype::Decoded::Invalid => (1, 1),
        };
        if cells + w > width {
            break;
        }
        cells += w;
        at += len;
    }
    (at, cells)
}

/// A column's numbers for [`fit_columns`] (libsmartcols `wstat`).
#[derive(Clone, Debug, Default, PartialEq)]
struct Fit {
    /// The width, as it is narrowed and widened.
    width: usize,
    /// The header's width (at least 1; 0 for a column without header and
    /// data).
    min: usize,
    /// The widest cell.
    max: usize,
    /// The mean width of the cells.
    avg: f64,
    /// The standard deviation of the cells' widths.
    dev: f64,
    /// [`Column::width_hint`].
    hint: f64,
    /// For the tree column, the width of the widest tree glyphs.
    treeart: Option<usize>,
    trunc: bool,
    noextremes: bool,
    right: bool,
}

/// The narrowest a column may get: its header (or 1), or 0 for a column
/// without header and data (see [`column_width`]).
fn column_min(max: usize, header: Option<usize>, width: usize) -> usize {
    if max == 0 && header.is_none() && width == 0 {
        0
    } else {
        header.unwrap_or(0).max(1)
    }
}

/// Mean and sample standard deviation of `widths` (libsmartcols
/// `count_column_deviation()`, with its square root).
fn spread(widths: impl Iterator<Item = usize> + Clone) -> (f64, f64) {
    let (n, sum) = widths
        .clone()
        .fold((0usize, 0usize), |(n, s), w| (n + 1, s + w));
    if n == 0 {
        return (0.0, 0.0);
    }
    let avg = sum as f64 / n as f64;
    if n == 1 {
        return (avg, 0.0);
    }
    let mut squares = 0.0;
    for w in widths {
        let d = w as f64 - avg;
        squares += d * d;
    }
    (avg, sqrtroot(squares / (n - 1) as f64))
}

/// libsmartcols `sqrtroot()`: Newton's iteration until it stops changing
/// (bounded here; it settles within a few dozen steps), which may differ
/// from `f64::sqrt` in the last bit.
fn sqrtroot(num: f64) -> f64 {
    let (mut prev, mut sq) = (0.0, num / 2.0);
    for _ in 0..200 {
        if sq == prev {
            break;
        }
        prev = sq;
        sq = (num / prev + prev) / 2.0;
    }
    sq
}

/// libsmartcols 2.42 `__scols_calculate()` on a terminal `outwidth`
/// columns wide: narrows the columns (one space between them) while they
/// are too wide, in the stages of [`reduce_column`], the columns with the
/// widest spread of cell widths first; then widens the columns that may
/// overflow up to their widest cell, the columns with an absolute hint up
/// to the hint, and the last column (unless right-aligned) to the terminal
/// width.
fn fit_columns(cols: &mut [Fit], outwidth: usize) {
    let Some(last) = cols.len().checked_sub(1) else {
        return;
    };
    let mut width: usize = cols.iter().map(|c| c.width).sum::<usize>() + last;
    // Worst last: `avg + 3 * dev` ascending, stable.
    let by_spread = |cols: &[Fit]| {
        let mut order: Vec<usize> = (0..cols.len()).collect();
        order.sort_by(|&a, &b| {
            let x = cols[a].avg + 3.0 * cols[a].dev;
            let y = cols[b].avg + 3.0 * cols[b].dev;
            x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)
        });
        order
    };
    let mut order: Option<Vec<usize>> = None;
    let mut stage = 0;
    while width > outwidth {
        let before = width;
        let sorted = order.get_or_insert_with(|| by_spread(cols));
        let mut done = false;
        for (nth, &c) in sorted.iter().rev().enumerate() {
            if width <= outwidth {
                break;
            }
            if !reduce_column(&mut cols[c], &mut width, outwidth, stage, nth) {
                done = true;
                break;
            }
        }
        if done {
            break;
        }
        if width == before {
            stage += 1;
        }
    }
    if width >= outwidth {
        return;
    }
    if cols.iter().any(|c| c.noextremes) {
        let sorted = order.get_or_insert_with(|| by_spread(cols));
        for &c in sorted.iter().rev() {
            let col = &mut cols[c];
            if !col.noextremes || (col.min == 0 && col.width == 0) || col.width >= col.max {
                continue;
            }
            let mut add = outwidth - width;
            if add > 0 && col.max > 0 && col.width + add > col.max {
                add = col.max - col.width;
            }
            if add == 0 {
                continue;
            }
            col.width += add;
            width += add;
            if width == outwidth {
                break;
            }
        }
    }
    let sorted: Vec<usize> = order.unwrap_or_else(|| (0..cols.len()).collect());
    while width < outwidth {
        let mut changed = false;
        for &c in sorted.iter().rev() {
            let col = &mut cols[c];
            if col.hint < 1.0 || col.width >= col.hint as usize {
                continue;
            }
            col.width += 1;
            width += 1;
            changed = true;
            if width == outwidth {
                break;
            }
        }
        if !changed {
            break;
        }
    }
    if width < outwidth && !cols[last].right {
        cols[last].width += outwidth - width;
    }
}

/// libsmartcols `reduce_to_68()`: narrows `col` by `wanted`, but not below
/// the mean plus one standard deviation of its cells (68% of normally
/// spread values fit), its header or its widest cell.
fn reduce_to_68(col: &mut Fit, wanted: usize) {
    if col.dev < 1.0 {
        return;
    }
    let mut new = (col.avg + col.dev) as usize;
    if new < col.min {
        new = col.min;
    } else if new > col.max {
        new = col.max;
    }
    if new >= col.width {
        return;
    }
    if col.width - new > wanted {
        col.width -= wanted;
    } else {
        col.width = new;
    }
}

/// libsmartcols `reduce_column()`: one step of narrowing `col`, the `nth`
/// column in worst-first order, in `stage` (0 to 6, each more willing than
/// the one before); `width` is the table's width. False when no stage is
/// left.
fn reduce_column(col: &mut Fit, width: &mut usize, outwidth: usize, stage: u8, nth: usize) -> bool {
    if stage > 6 {
        return false;
    }
    if col.width == col.min || col.width == 0 {
        return true;
    }
    if col.treeart.is_some_and(|art| *width <= art) {
        return true;
    }
    let before = col.width;
    let wanted = *width - outwidth;
    let wide = col.dev >= col.avg / 2.0;
    let relative = col.hint > 0.0 && col.hint < 1.0;
    match stage {
        // The worst column, when it may be cut or overflow.
        0 if nth == 0 && (col.trunc || col.noextremes) => reduce_to_68(col, wanted),
        // Columns that may overflow, those with a wide spread first.
        1 | 2 if col.noextremes && (stage == 2 || wide) => reduce_to_68(col, wanted),
        // Columns that may be cut and are wider than their share of the
        // terminal, those with a wide spread first.
        3 | 4
            if col.trunc
                && (stage == 4 || wide)
                && relative
                && col.width >= (col.hint * outwidth as f64) as usize =>
        {
            reduce_to_68(col, wanted)
        }
        // Any column that may be cut or overflow, a column at a time (the
        // worst by up to 3), those with a wide spread first.
        5 | 6 if (col.trunc || col.noextremes) && (stage == 6 || col.dev >= col.avg / 2.2) => {
            let mut reduce = if nth == 0 { wanted.min(3) } else { 1 };
            reduce = reduce.min(col.width);
            col.width = if col.width - reduce > col.min {
                col.width - reduce
            } else {
                col.min
            };
        }
        _ => {}
    }
    *width -= before - col.width;
    true
}

/// Printable ASCII without a `\x` in it: shown as it is, one column per
/// byte, in every locale.
fn shown_as_is(s: &[u8]) -> bool {
    s.iter().all(|&b| b.wrapping_sub(0x20) < 0x5f)
        && (!s.contains(&b'\\') || !s.windows(2).any(|w| w == b"\\x"))
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
        // Text that takes no columns (only zero-width or combining
        // characters) is not printed at all, as libsmartcols'
        // `ul_buffer_get_safe_data()` gives nothing for it.
        if width <= 0 {
            bytes.clear();
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

/// The terminal's size (with [`ctype`], the only unsafe code of the table
/// writer).
mod term {
    /// The columns `TIOCGWINSZ` reports for stdout; 0 when it fails or
    /// knows no size (a pseudo-terminal nobody sized).
    pub fn stdout_columns() -> usize {
        let mut ws = libc::winsize {
            ws_row: 0,
            ws_col: 0,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: TIOCGWINSZ writes one `struct winsize` to the valid,
        // exclusively borrowed `ws`; any file descriptor may be passed.
        let rc = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) };
        if rc == 0 {
            usize::from(ws.ws_col)
        } else {
            0
        }
    }
}

/// The C library's character classification in the current locale. The only
/// unsafe code of the table writer besides [`term`]: each call is a plain FFI
/// call on valid pointers.
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

    // Terminal fitting. Every expected text below is what libsmartcols
    // 2.42 prints for the same table and terminal width (checked with a
    // small C program linked against it).

    /// findmnt's default columns on a small tree.
    fn mounts(width: usize) -> Table {
        let mut t = Table::new(
            "filesystems",
            vec![
                Column::new("TARGET").hint(0.3).tree().noextremes(),
                Column::new("SOURCE").hint(0.25).noextremes(),
                Column::new("FSTYPE").hint(0.1).trunc(),
                Column::new("OPTIONS").hint(0.1).trunc(),
            ],
        );
        let rows: [(Option<usize>, [&str; 4]); 4] = [
            (
                None,
                ["/", "/dev/sda1", "ext4", "rw,relatime,errors=remount-ro"],
            ),
            (
                Some(0),
                ["/proc", "proc", "proc", "rw,nosuid,nodev,noexec,relatime"],
            ),
            (
                Some(1),
                [
                    "/proc/sys/fs/binfmt_misc",
                    "systemd-1",
                    "autofs",
                    "rw,relatime,fd=29",
                ],
            ),
            (
                Some(0),
                ["/home", "/dev/mapper/vg-home", "ext4", "rw,relatime"],
            ),
        ];
        let mut ids = Vec::new();
        for (parent, cells) in rows {
            let l = t.add_line(parent.map(|p| ids[p]));
            ids.push(l);
            for (c, v) in cells.into_iter().enumerate() {
                t.set_cell(l, c, v);
            }
        }
        t.terminal = Terminal::Width(width);
        t
    }

    #[test]
    fn terminal_cuts_trunc_columns_and_moves_what_follows_a_wide_cell_down() {
        assert_eq!(
            text(&mounts(30), Glyphs::Ascii),
            "TARGET SOURCE FSTYPE OPTIONS\n\
             /      /dev/sda1\n\
             |             ext4   rw,relati\n\
             |-/proc\n\
             | |    proc   proc   rw,nosuid\n\
             | `-/proc/sys/fs/binfmt_misc\n\
             |      systemd-1\n\
             |             autofs rw,relati\n\
             `-/home\n       /dev/mapper/vg-home\n              ext4   rw,relati\n"
        );
        assert_eq!(
            text(&mounts(60), Glyphs::Ascii),
            "TARGET        SOURCE  FSTYPE OPTIONS\n\
             /             /dev/sda1\n\
             |                     ext4   rw,relatime,errors=remount-ro\n\
             |-/proc       proc    proc   rw,nosuid,nodev,noexec,relatime\n\
             | `-/proc/sys/fs/binfmt_misc\n\
             |             systemd-1\n\
             |                     autofs rw,relatime,fd=29\n\
             `-/home       /dev/mapper/vg-home\n                      ext4   rw,relatime\n"
        );
    }

    #[test]
    fn terminal_wide_enough_prints_what_a_pipe_gets() {
        let mut t = mounts(100);
        let wide = t.render(Glyphs::Ascii);
        t.terminal = Terminal::Never;
        assert_eq!(wide, t.render(Glyphs::Ascii));
        t.terminal = Terminal::Auto;
        assert_eq!(wide, t.render(Glyphs::Ascii), "render() never asks stdout");
        assert!(String::from_utf8_lossy(&wide)
            .contains("`-/home                      /dev/mapper/vg-home ext4   rw,relatime\n"));
    }

    #[test]
    fn terminal_is_ignored_by_raw_pairs_and_json() {
        for format in [Format::Raw, Format::Pairs, Format::Json] {
            let mut t = mounts(20);
            t.format = format;
            let narrow = t.render(Glyphs::Ascii);
            t.terminal = Terminal::Never;
            assert_eq!(narrow, t.render(Glyphs::Ascii), "{format:?}");
        }
    }

    /// lsns' columns: NS, TYPE and PID have absolute hints, COMMAND is cut.
    fn namespaces(width: usize) -> Table {
        let mut t = Table::new(
            "namespaces",
            vec![
                Column::new("NS").hint(10.0).right(),
                Column::new("TYPE").hint(5.0),
                Column::new("PID").hint(5.0).right(),
                Column::new("COMMAND").trunc(),
            ],
        );
        for cells in [
            ["4026531836", "pid", "1", "/sbin/init splash"],
            [
                "4026531840",
                "mnt",
                "27",
                "/usr/lib/systemd/systemd-udevd --daemon",
            ],
            ["4026532201", "net", "412", "sleep 600"],
        ] {
            let l = t.add_line(None);
            for (c, v) in cells.into_iter().enumerate() {
                t.set_cell(l, c, v);
            }
        }
        t.terminal = Terminal::Width(width);
        t
    }

    #[test]
    fn terminal_room_to_spare_widens_columns_to_their_absolute_hint() {
        assert_eq!(
            text(&namespaces(80), Glyphs::Ascii),
            "        NS TYPE    PID COMMAND\n\
             4026531836 pid       1 /sbin/init splash\n\
             4026531840 mnt      27 /usr/lib/systemd/systemd-udevd --daemon\n\
             4026532201 net     412 sleep 600\n"
        );
        let mut pipe = namespaces(80);
        pipe.terminal = Terminal::Never;
        assert!(text(&pipe, Glyphs::Ascii).starts_with("        NS TYPE PID COMMAND\n"));
    }

    #[test]
    fn terminal_cuts_the_last_column_but_never_below_its_header() {
        assert_eq!(
            text(&namespaces(30), Glyphs::Ascii),
            "        NS TYPE PID COMMAND\n\
             4026531836 pid    1 /sbin/init\n\
             4026531840 mnt   27 /usr/lib/s\n\
             4026532201 net  412 sleep 600\n"
        );
        assert_eq!(
            text(&namespaces(20), Glyphs::Ascii),
            "        NS TYPE PID COMMAND\n\
             4026531836 pid    1 /sbin/i\n\
             4026531840 mnt   27 /usr/li\n\
             4026532201 net  412 sleep 6\n"
        );
    }

    #[test]
    fn terminal_cut_keeps_whole_wide_characters_and_pads_the_rest() {
        let mut t = Table::new(
            "t",
            vec![
                Column::new("NAME"),
                Column::new("T").hint(0.3).trunc(),
                Column::new("LIST").multiline(),
            ],
        );
        let l = t.add_line(None);
        t.set_cell(l, 0, "ab");
        t.set_cell(
            l,
            1,
            "\u{65e5}\u{672c}\u{8a9e}\u{306e}\u{30c6}\u{30ad}\u{30b9}\u{30c8}",
        );
        t.set_cell(l, 2, &b"one\0two"[..]);
        let l = t.add_line(None);
        t.set_cell(l, 0, "longer-name-here");
        t.set_cell(l, 1, "x");
        t.set_cell(l, 2, "three");
        let mut at = |width| {
            t.terminal = Terminal::Width(width);
            with_ctype(c"C.UTF-8", || text(&t, Glyphs::Utf8))
        };
        assert_eq!(
            at(30),
            "NAME             T       LIST\n\
             ab               \u{65e5}\u{672c}\u{8a9e}  one\n                         two\n\
             longer-name-here x       three\n"
        );
        assert_eq!(
            at(28),
            "NAME             T     LIST\n\
             ab               \u{65e5}\u{672c}  one\n                       two\n\
             longer-name-here x     three\n"
        );
    }

    #[test]
    fn fit_narrows_the_worst_column_first_and_gives_the_rest_to_the_last() {
        // Cells 2..=20 wide in A (mean 11, deviation 5.6), all 8 in B.
        let a: Vec<usize> = (2..=20).collect();
        let (avg, dev) = spread(a.iter().copied());
        assert_eq!(avg, 11.0);
        assert!((dev - 5.627).abs() < 0.001, "{dev}");
        let col = |max: usize, (avg, dev): (f64, f64), trunc: bool| Fit {
            width: max,
            min: 1,
            max,
            avg,
            dev,
            hint: 0.5,
            trunc,
            ..Fit::default()
        };
        let mut cols = vec![
            col(20, (avg, dev), true),
            col(8, spread([8usize; 19].into_iter()), true),
        ];
        // 29 wide in 25: A is narrowed by the 4 wanted (mean + deviation
        // is 16, no lower), B keeps its width.
        fit_columns(&mut cols, 25);
        assert_eq!((cols[0].width, cols[1].width), (16, 8));
        // In 20, A goes down to 16 only, then one column at a time.
        let mut cols = vec![col(20, (avg, dev), true), col(8, (8.0, 0.0), true)];
        fit_columns(&mut cols, 20);
        assert_eq!((cols[0].width, cols[1].width), (11, 8));
        // Room to spare goes to the last column.
        let mut cols = vec![col(20, (avg, dev), true), col(8, (8.0, 0.0), true)];
        fit_columns(&mut cols, 40);
        assert_eq!((cols[0].width, cols[1].width), (20, 19));
    }

    #[test]
    fn columns_env_is_a_positive_int_as_strtol_reads_it() {
        assert_eq!(columns_env(b"60"), Some(60));
        assert_eq!(columns_env(b" +7"), Some(7));
        assert_eq!(columns_env(b"2147483647"), Some(2_147_483_647));
        for bad in [&b""[..], b"0", b"-5", b"60x", b"6 0", b"2147483648", b"x"] {
            assert_eq!(columns_env(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    /// findmnt's ACTION column: a strict width is widened to its hint even
    /// when its cells are narrower than the header (`findmnt -p` prints
    /// `mount      /mnt`).
    #[test]
    fn strict_width_goes_to_the_hint_past_the_header() {
        let action = Column::new("ACTION").hint(10.0);
        assert_eq!(column_width(&action, 5, Some(6)), 6);
        assert_eq!(column_width(&action.clone().strict_width(), 5, Some(6)), 10);
        assert_eq!(column_width(&action.strict_width(), 7, Some(6)), 10);
    }

    #[test]
    fn sqrtroot_is_newtons_square_root() {
        assert_eq!(sqrtroot(0.0), 0.0);
        assert_eq!(sqrtroot(16.0), 4.0);
        assert!((sqrtroot(2.0) - std::f64::consts::SQRT_2).abs() < 1e-15);
    }
}
