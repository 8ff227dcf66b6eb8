//! `-Q/--filter EXPR`: libsmartcols filter expressions (scols-filter(5)), as
//! util-linux 2.42 evaluates them on each line findmnt would print.
//!
//! Syntax: column names (`FSTYPE`, `MAJ:MIN`), strings in `"..."` or
//! `'...'`, numbers (`42`, `1.5`, `10M` = 10 MiB), `true`/`false`; operators
//! `==` `!=` `<` `<=` `>` `>=` (also `eq ne lt le gt ge`), `=~` `!~`
//! (POSIX extended regular expressions), `!`/`not`, `&&`/`and`, `||`/`or`,
//! parentheses. As in libsmartcols' grammar, `&&` and `||` have the same
//! precedence and group from the left, and comparisons group from the left.
//!
//! Values are typed: a column is a number when its JSON type is, else a
//! string (trimmed); a comparison converts both sides to one type (the
//! literal's, when a column meets a literal); an empty number never
//! compares true.
//!
//! The filter is generic over the tool's column identifier `C`: the tool
//! binds column names to its columns ([`Filter::bind`]) and supplies each
//! line's cell text ([`Filter::matches`]). findmnt and lsns share it.

#![forbid(unsafe_code)]

use crate::regex::Regex;

/// A value's type (libsmartcols `SCOLS_DATA_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Type {
    Str,
    U64,
    Float,
    Bool,
}

/// A value; `empty` follows libsmartcols (a missing column value).
#[derive(Clone, Debug)]
struct Value {
    data: Data,
    empty: bool,
}

#[derive(Clone, Debug)]
enum Data {
    Str(Option<Vec<u8>>),
    U64(u64),
    Float(f64),
    Bool(bool),
}

impl Value {
    fn ty(&self) -> Type {
        match self.data {
            Data::Str(_) => Type::Str,
            Data::U64(_) => Type::U64,
            Data::Float(_) => Type::Float,
            Data::Bool(_) => Type::Bool,
        }
    }

    /// libsmartcols `cast_param()`; `Err` for a string that is not a number.
    fn cast(self, to: Type) -> Result<Value, ()> {
        if self.ty() == to {
            return Ok(self);
        }
        let data = match (self.data, to) {
            (Data::Str(s), Type::U64) => Data::U64(match s {
                None => 0,
                Some(s) => strtou64(&s)?,
            }),
            (Data::Str(s), Type::Float) => Data::Float(match s {
                None => 0.0,
                Some(s) => strtold(&s)?,
            }),
            (Data::Str(s), Type::Bool) => Data::Bool(s.is_some_and(|s| {
                !s.is_empty()
                    && (s == b"1" || s.eq_ignore_ascii_case(b"true") || matches!(s[0], b'y' | b'Y'))
            })),
            (Data::U64(n), Type::Str) => Data::Str(Some(n.to_string().into_bytes())),
            (Data::U64(n), Type::Float) => Data::Float(n as f64),
            (Data::U64(n), Type::Bool) => Data::Bool(n > 0),
            (Data::Float(f), Type::Str) => Data::Str(Some(format_g(f).into_bytes())),
            (Data::Float(f), Type::U64) => Data::U64(f as u64),
            (Data::Float(f), Type::Bool) => Data::Bool(f > 0.0),
            (Data::Bool(b), Type::Str) => Data::Str(Some(if b {
                b"true".to_vec()
            } else {
                b"false".to_vec()
            })),
            (Data::Bool(b), Type::U64) => Data::U64(u64::from(b)),
            (Data::Bool(b), Type::Float) => Data::Float(if b { 1.0 } else { 0.0 }),
            (d, _) => d,
        };
        Ok(Value {
            data,
            empty: self.empty,
        })
    }

    /// A copy as libsmartcols `copy_param()` makes it before a cast: only a
    /// missing string stays empty.
    fn copied(&self) -> Value {
        Value {
            data: self.data.clone(),
            empty: matches!(self.data, Data::Str(None)),
        }
    }
}

/// `printf("%Lg")`: six significant digits; the exponent of the value
/// rounded to them (C11 7.21.6.1) picks the `e` or the fixed style.
fn format_g(f: f64) -> String {
    if f == 0.0 {
        return String::from("0");
    }
    let s = format!("{:.5e}", f);
    let (mant, e) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = e.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let mant = mant.trim_end_matches('0').trim_end_matches('.');
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.abs());
    }
    let decimals = (5 - exp).max(0) as usize;
    let s = format!("{:.*}", decimals, f);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// util-linux `ul_strtou64()`: decimal, leading blanks and `+` allowed,
/// negative numbers and trailing bytes rejected.
fn strtou64(s: &[u8]) -> Result<u64, ()> {
    let t = std::str::from_utf8(s).map_err(|_| ())?;
    let t = t.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    t.parse().map_err(|_| ())
}

/// util-linux `ul_strtold()`.
fn strtold(s: &[u8]) -> Result<f64, ()> {
    let t = std::str::from_utf8(s).map_err(|_| ())?;
    let t = t.trim_start_matches(|c: char| c.is_ascii_whitespace());
    t.parse().map_err(|_| ())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    And,
    Or,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Reg,
    Nreg,
}

#[derive(Debug)]
enum Node<C> {
    /// A literal value.
    Literal(Value, Option<Regex>),
    /// A column, by name until bound.
    Holder(String, Option<(C, Type)>),
    Not(Box<Node<C>>),
    Binary(Op, Box<Node<C>>, Box<Node<C>>),
    /// `&&`/`||` chain, grouped from the left: kept flat, so that a long
    /// chain (`ID == 1 || ID == 2 || ...`) does not nest.
    Logic(Box<Node<C>>, Vec<(Op, Node<C>)>),
}

/// How deep an expression may nest (parentheses, `!`, chained comparisons),
/// so that parsing, evaluating and dropping it cannot overflow the stack.
/// Deeper input fails as libsmartcols' parser fails when its stack is full
/// (at 10000 levels).
const MAX_DEPTH: usize = 256;

fn memory_exhausted() -> String {
    String::from("memory exhausted")
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    LParen,
    RParen,
    Quote,
    Op(Op),
    Not,
    True,
    False,
    Number(u64),
    Float(f64),
    Holder(String),
    Str(Vec<u8>),
}

/// libsmartcols `strtosize()` for `{int}[KMGTPEZY](iB)?`.
fn size(digits: &str, unit: u8) -> Result<u64, String> {
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("\"{digits}\" number too large"))?;
    let exp = b"KMGTPEZY".iter().position(|&u| u == unit).unwrap_or(0) as u32 + 1;
    1024u64
        .checked_pow(exp)
        .and_then(|m| n.checked_mul(m))
        .ok_or_else(|| format!("\"{digits}{}\" number too large", unit as char))
}

fn tokens(q: &[u8]) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < q.len() {
        let c = q[i];
        let rest = &q[i..];
        if matches!(c, b' ' | b'\t' | b'\n') {
            i += 1;
            continue;
        }
        if c.is_ascii_alphabetic() {
            let n = rest
                .iter()
                .take_while(|&&b| b.is_ascii_alphanumeric() || b"_.%:/-".contains(&b))
                .count();
            let word = String::from_utf8_lossy(&rest[..n]).into_owned();
            out.push(match word.as_str() {
                "and" | "AND" => Token::Op(Op::And),
                "or" | "OR" => Token::Op(Op::Or),
                "not" | "NOT" => Token::Not,
                "eq" | "EQ" => Token::Op(Op::Eq),
                "ne" | "NE" => Token::Op(Op::Ne),
                "le" | "LE" => Token::Op(Op::Le),
                "lt" | "LT" => Token::Op(Op::Lt),
                "ge" | "GE" => Token::Op(Op::Ge),
                "gt" | "GT" => Token::Op(Op::Gt),
                "true" | "TRUE" => Token::True,
                "false" | "FALSE" => Token::False,
                _ => Token::Holder(word),
            });
            i += n;
            continue;
        }
        if c.is_ascii_digit() {
            let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            let digits = String::from_utf8_lossy(&rest[..n]).into_owned();
            let frac = if rest.get(n) == Some(&b'.') {
                rest[n + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count()
            } else {
                0
            };
            if frac > 0 {
                let text = String::from_utf8_lossy(&rest[..n + 1 + frac]).into_owned();
                out.push(Token::Float(text.parse().unwrap_or(0.0)));
                i += n + 1 + frac;
            } else if let Some(&unit) = rest.get(n).filter(|u| b"KMGTPEZY".contains(u)) {
                let len = if rest[n + 1..].starts_with(b"iB") {
                    n + 3
                } else {
                    n + 1
                };
                out.push(Token::Number(size(&digits, unit)?));
                i += len;
            } else {
                // strtoumax() saturates.
                out.push(Token::Number(digits.parse().unwrap_or(u64::MAX)));
                i += n;
            }
            continue;
        }
        if c == b'"' || c == b'\'' {
            let close = rest[1..].iter().position(|&b| b == c || b == b'\n');
            if let Some(p) = close.filter(|&p| rest[1 + p] == c) {
                out.push(Token::Str(rest[1..1 + p].to_vec()));
                i += p + 2;
                continue;
            }
            if c == b'\'' {
                out.push(Token::Quote);
                i += 1;
                continue;
            }
            return Err(String::from("syntax error, unexpected invalid token"));
        }
        let two = rest.get(..2).unwrap_or(rest);
        let (tok, n) = match two {
            b"&&" => (Token::Op(Op::And), 2),
            b"||" => (Token::Op(Op::Or), 2),
            b"==" => (Token::Op(Op::Eq), 2),
            b"!=" => (Token::Op(Op::Ne), 2),
            b"<=" => (Token::Op(Op::Le), 2),
            b">=" => (Token::Op(Op::Ge), 2),
            b"=~" => (Token::Op(Op::Reg), 2),
            b"!~" => (Token::Op(Op::Nreg), 2),
            _ => match c {
                b'(' => (Token::LParen, 1),
                b')' => (Token::RParen, 1),
                b'!' => (Token::Not, 1),
                b'<' => (Token::Op(Op::Lt), 1),
                b'>' => (Token::Op(Op::Gt), 1),
                _ => return Err(String::from("syntax error, unexpected invalid token")),
            },
        };
        out.push(tok);
        i += n;
    }
    Ok(out)
}

/// libsmartcols `param_set_data()` for strings: surrounding quotes removed
/// (a value read from a column loses them too), blanks trimmed.
fn string_value(s: &[u8]) -> Vec<u8> {
    let s = match s.first() {
        Some(&q @ (b'"' | b'\'')) => {
            let inner = &s[1..];
            inner.strip_suffix(&[q]).unwrap_or(inner)
        }
        _ => s,
    };
    let start = s
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    s[start..end.max(start)].to_vec()
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    /// `!` and `(` being parsed (the parser's recursion).
    open: usize,
}

/// A parsed subexpression and its depth.
type Parsed<C> = Result<(Node<C>, usize), String>;

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }

    fn unexpected(&self) -> String {
        match self.peek() {
            None => String::from("syntax error, unexpected end of file"),
            Some(_) => String::from("syntax error"),
        }
    }

    /// `expr ((&& | ||) expr)*`, grouped from the left.
    fn logical<C>(&mut self) -> Parsed<C> {
        let (first, mut depth) = self.comparison()?;
        let mut rest = Vec::new();
        while let Some(Token::Op(op @ (Op::And | Op::Or))) = self.peek().cloned() {
            self.pos += 1;
            let (right, d) = self.comparison()?;
            depth = depth.max(d);
            rest.push((op, right));
        }
        if rest.is_empty() {
            return Ok((first, depth));
        }
        Ok((Node::Logic(Box::new(first), rest), depth + 1))
    }

    fn comparison<C>(&mut self) -> Parsed<C> {
        let (mut left, mut depth) = self.unary()?;
        while let Some(Token::Op(op)) = self.peek().cloned() {
            if matches!(op, Op::And | Op::Or) {
                break;
            }
            self.pos += 1;
            let (mut right, d) = self.unary()?;
            depth = depth.max(d) + 1;
            if depth > MAX_DEPTH {
                return Err(memory_exhausted());
            }
            if matches!(op, Op::Reg | Op::Nreg) {
                let Node::Literal(
                    Value {
                        data: Data::Str(Some(p)),
                        ..
                    },
                    re,
                ) = &mut right
                else {
                    return Err(String::from("syntax error"));
                };
                *re = Some(Regex::new(p)?);
            }
            left = Node::Binary(op, Box::new(left), Box::new(right));
        }
        Ok((left, depth))
    }

    /// Counts a `!` or `(` in, refusing one too many.
    fn enter(&mut self) -> Result<(), String> {
        self.open += 1;
        if self.open > MAX_DEPTH {
            return Err(memory_exhausted());
        }
        Ok(())
    }

    fn unary<C>(&mut self) -> Parsed<C> {
        if self.peek() == Some(&Token::Not) {
            self.pos += 1;
            self.enter()?;
            let (e, depth) = self.unary()?;
            self.open -= 1;
            return Ok((Node::Not(Box::new(e)), depth + 1));
        }
        self.primary()
    }

    fn primary<C>(&mut self) -> Parsed<C> {
        let Some(tok) = self.peek().cloned() else {
            return Err(self.unexpected());
        };
        self.pos += 1;
        let lit = |data| Ok((Node::Literal(Value { data, empty: false }, None), 0));
        match tok {
            Token::LParen => {
                self.enter()?;
                let e = self.logical()?;
                self.open -= 1;
                if self.peek() != Some(&Token::RParen) {
                    return Err(self.unexpected());
                }
                self.pos += 1;
                Ok(e)
            }
            Token::Number(n) => lit(Data::U64(n)),
            Token::Float(f) => lit(Data::Float(f)),
            Token::True => lit(Data::Bool(true)),
            Token::False => lit(Data::Bool(false)),
            Token::Str(s) => lit(Data::Str(Some(string_value(&s)))),
            Token::Holder(name) => Ok((Node::Holder(name, None), 0)),
            _ => {
                self.pos -= 1;
                Err(self.unexpected())
            }
        }
    }
}

/// A line the expression cannot be evaluated on (libsmartcols fails the
/// whole output then): a value that is not a number compared as one, or a
/// regular expression applied to a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EvalError;

/// A parsed filter; an empty expression keeps every line.
#[derive(Debug)]
pub struct Filter<C> {
    root: Option<Node<C>>,
}

impl<C: Copy> Filter<C> {
    /// Parses `query`; `Err` is the message findmnt prints after
    /// `failed to parse "QUERY": `.
    pub fn parse(query: &[u8]) -> Result<Filter<C>, String> {
        if query.is_empty() {
            return Ok(Filter { root: None });
        }
        let toks = tokens(query)?;
        let mut p = Parser {
            toks,
            pos: 0,
            open: 0,
        };
        let (root, _) = p.logical()?;
        if p.pos != p.toks.len() {
            return Err(String::from("syntax error"));
        }
        Ok(Filter { root: Some(root) })
    }

    /// Binds every column name to a column with `resolve` (name to column
    /// and its type: number or string); returns the names it could not
    /// resolve.
    pub fn bind(&mut self, resolve: &dyn Fn(&str) -> Option<(C, bool)>) -> Vec<String> {
        fn walk<C>(n: &mut Node<C>, r: &dyn Fn(&str) -> Option<(C, bool)>, bad: &mut Vec<String>) {
            match n {
                Node::Literal(..) => {}
                Node::Holder(name, slot) => match r(name) {
                    Some((col, number)) => {
                        *slot = Some((col, if number { Type::U64 } else { Type::Str }));
                    }
                    None => bad.push(name.clone()),
                },
                Node::Not(e) => walk(e, r, bad),
                Node::Binary(_, l, rt) => {
                    walk(l, r, bad);
                    walk(rt, r, bad);
                }
                Node::Logic(first, rest) => {
                    walk(first, r, bad);
                    for (_, n) in rest {
                        walk(n, r, bad);
                    }
                }
            }
        }
        let mut bad = Vec::new();
        if let Some(root) = &mut self.root {
            walk(root, resolve, &mut bad);
        }
        bad
    }

    /// The columns the bound expression reads, in order of appearance (a
    /// tool computes them even when they are not shown).
    pub fn columns(&self) -> Vec<C> {
        fn walk<C: Copy>(n: &Node<C>, out: &mut Vec<C>) {
            match n {
                Node::Literal(..) | Node::Holder(_, None) => {}
                Node::Holder(_, Some((c, _))) => out.push(*c),
                Node::Not(e) => walk(e, out),
                Node::Binary(_, l, r) => {
                    walk(l, out);
                    walk(r, out);
                }
                Node::Logic(first, rest) => {
                    walk(first, out);
                    for (_, n) in rest {
                        walk(n, out);
                    }
                }
            }
        }
        let mut out = Vec::new();
        if let Some(root) = &self.root {
            walk(root, &mut out);
        }
        out
    }

    /// Whether a line passes, with `cell` giving a column's text;
    /// [`EvalError`] where libsmartcols fails (a column value that is not a
    /// number where a number is compared).
    pub fn matches(&self, cell: &mut dyn FnMut(C) -> Vec<u8>) -> Result<bool, EvalError> {
        match &self.root {
            None => Ok(true),
            Some(root) => eval(root, cell).map_err(|()| EvalError),
        }
    }
}

/// The value of a column for this line (libsmartcols `fetch_holder_data()`).
fn fetch<C>(col: C, ty: Type, cell: &mut dyn FnMut(C) -> Vec<u8>) -> Result<Value, ()> {
    let data = cell(col);
    let v = if data.is_empty() {
        Value {
            data: Data::Str(None),
            empty: true,
        }
    } else {
        Value {
            data: Data::Str(Some(string_value(&data))),
            empty: false,
        }
    };
    v.cast(ty)
}

fn node_type<C>(n: &Node<C>) -> Type {
    match n {
        Node::Literal(v, _) => v.ty(),
        Node::Holder(_, Some((_, ty))) => *ty,
        Node::Holder(_, None) => Type::Str,
        Node::Not(_) | Node::Binary(..) | Node::Logic(..) => Type::Bool,
    }
}

/// libsmartcols `guess_expr_datatype()`.
fn expr_type<C>(l: &Node<C>, r: &Node<C>) -> Type {
    let (lt, rt) = (node_type(l), node_type(r));
    if lt == rt {
        return lt;
    }
    let (lh, rh) = (matches!(l, Node::Holder(..)), matches!(r, Node::Holder(..)));
    let ty = if lh && !rh { rt } else { lt };
    if ty == Type::U64 && (lt == Type::Float || rt == Type::Float) {
        Type::Float
    } else {
        ty
    }
}

/// A node as a value of type `ty` (libsmartcols `cast_node()`).
fn value_of<C: Copy>(
    n: &Node<C>,
    ty: Type,
    cell: &mut dyn FnMut(C) -> Vec<u8>,
) -> Result<Value, ()> {
    let v = match n {
        Node::Literal(v, _) => v.clone(),
        Node::Holder(_, Some((col, hty))) => fetch(*col, *hty, cell)?,
        Node::Holder(_, None) => return Err(()),
        Node::Not(_) | Node::Binary(..) | Node::Logic(..) => Value {
            data: Data::Bool(eval(n, cell)?),
            empty: false,
        },
    };
    if v.ty() == ty {
        Ok(v)
    } else {
        v.copied().cast(ty)
    }
}

fn eval<C: Copy>(n: &Node<C>, cell: &mut dyn FnMut(C) -> Vec<u8>) -> Result<bool, ()> {
    match n {
        Node::Literal(..) | Node::Holder(..) => {
            let ty = node_type(n);
            let v = value_of(n, ty, cell)?;
            if v.empty {
                return Ok(false);
            }
            Ok(match v.data {
                Data::Str(s) => s.is_some_and(|s| !s.is_empty()),
                Data::U64(x) => x != 0,
                Data::Float(f) => f != 0.0,
                Data::Bool(b) => b,
            })
        }
        Node::Not(e) => Ok(!eval(e, cell)?),
        Node::Binary(Op::And, l, r) => Ok(eval(l, cell)? && eval(r, cell)?),
        Node::Binary(Op::Or, l, r) => Ok(eval(l, cell)? || eval(r, cell)?),
        Node::Logic(first, rest) => {
            let mut acc = eval(first, cell)?;
            for (op, n) in rest {
                acc = if *op == Op::And {
                    acc && eval(n, cell)?
                } else {
                    acc || eval(n, cell)?
                };
            }
            Ok(acc)
        }
        Node::Binary(op, l, r) => {
            let ty = expr_type(l, r);
            let lv = value_of(l, ty, cell)?;
            let rv = value_of(r, ty, cell)?;
            compare(*op, &lv, &rv, regex_of(r))
        }
    }
}

fn regex_of<C>(n: &Node<C>) -> Option<&Regex> {
    match n {
        Node::Literal(_, re) => re.as_ref(),
        _ => None,
    }
}

fn compare(op: Op, l: &Value, r: &Value, re: Option<&Regex>) -> Result<bool, ()> {
    use std::cmp::Ordering;
    let ord = match (&l.data, &r.data) {
        (Data::Str(a), Data::Str(b)) => {
            if matches!(op, Op::Reg | Op::Nreg) {
                let re = re.ok_or(())?;
                let hit = re.is_match(a.as_deref().unwrap_or_default());
                return Ok(hit == (op == Op::Reg));
            }
            // xstrcmp(): a missing string sorts first.
            match (a, b) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(a), Some(b)) => a.cmp(b),
            }
        }
        _ if matches!(op, Op::Reg | Op::Nreg) => return Err(()),
        _ if l.empty || r.empty => return Ok(false),
        (Data::U64(a), Data::U64(b)) => a.cmp(b),
        (Data::Float(a), Data::Float(b)) => match a.partial_cmp(b) {
            Some(o) => o,
            None => return Ok(op == Op::Ne),
        },
        (Data::Bool(a), Data::Bool(b)) => a.cmp(b),
        _ => return Err(()),
    };
    Ok(match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Ne => ord != Ordering::Equal,
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Gt => ord == Ordering::Greater,
        Op::Ge => ord != Ordering::Less,
        Op::And | Op::Or | Op::Reg | Op::Nreg => return Err(()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Col {
        Fstype,
        Options,
        Id,
        MajMin,
        Parent,
        Source,
    }

    fn column(name: &str) -> Option<(Col, bool)> {
        Some(match name {
            "FSTYPE" => (Col::Fstype, false),
            "OPTIONS" => (Col::Options, false),
            "ID" => (Col::Id, true),
            "MAJ:MIN" => (Col::MajMin, false),
            "PARENT" => (Col::Parent, true),
            "SOURCE" => (Col::Source, false),
            _ => return None,
        })
    }

    fn check(q: &str, cells: &[(Col, &str)]) -> Result<bool, EvalError> {
        let mut f = Filter::parse(q.as_bytes()).expect("parses");
        let bad = f.bind(&column);
        assert!(bad.is_empty(), "{bad:?}");
        f.matches(&mut |c| {
            cells
                .iter()
                .find(|(k, _)| *k == c)
                .map(|(_, v)| v.as_bytes().to_vec())
                .unwrap_or_default()
        })
    }

    #[test]
    fn strings_regexes_and_numbers() {
        let cells = [
            (Col::Fstype, "ext4"),
            (Col::Options, "rw,noatime,fd=22"),
            (Col::Id, "20"),
            (Col::MajMin, "  8:4  "),
        ];
        assert_eq!(check("FSTYPE == \"ext4\"", &cells), Ok(true));
        assert_eq!(check("FSTYPE =~ \"ext[34]\"", &cells), Ok(true));
        assert_eq!(check("FSTYPE !~ 'ext[34]'", &cells), Ok(false));
        assert_eq!(check(r#"OPTIONS =~ "\<fd=22\>""#, &cells), Ok(true));
        assert_eq!(check(r#"OPTIONS =~ "\<atime\>""#, &cells), Ok(false));
        assert_eq!(check("ID > 10 && ID <= 20", &cells), Ok(true));
        assert_eq!(check("ID == 20.0", &cells), Ok(true));
        assert_eq!(check("MAJ:MIN == \"8:4\"", &cells), Ok(true));
        assert_eq!(check("not (ID eq 20)", &cells), Ok(false));
        assert_eq!(check("PARENT == 0", &cells), Ok(false));
        assert_eq!(check("PARENT != 0", &cells), Ok(false));
        assert_eq!(check("FSTYPE", &cells), Ok(true));
        assert_eq!(check("SOURCE", &cells), Ok(false));
        assert_eq!(check("FSTYPE == 4", &cells), Err(EvalError));
        assert_eq!(check("ID == 20K", &cells), Ok(false));
    }

    #[test]
    fn bound_columns_are_listed() {
        let mut f = Filter::parse(b"ID > 1 && (FSTYPE == 'x' || !SOURCE)").expect("parses");
        assert!(f.bind(&column).is_empty());
        assert_eq!(f.columns(), vec![Col::Id, Col::Fstype, Col::Source]);
    }

    #[test]
    fn and_and_or_group_from_the_left() {
        let cells = [(Col::Id, "1")];
        // (true || x) && false = false; with C precedence it would be true.
        assert_eq!(check("ID == 1 || ID == 2 && ID == 3", &cells), Ok(false));
        assert_eq!(check("! ID == 1", &cells), Ok(false));
    }

    /// Found by fuzzing `findmnt -Q`: 5000 `(` (or 50000 `!`, or a chain of
    /// 40000 comparisons) overflowed the stack of the recursive parser or
    /// evaluator. Nesting is limited now; long `&&`/`||` chains stay flat.
    #[test]
    fn deep_nesting_fails_cleanly_and_long_chains_work() {
        let deep = |open: &str, close: &str, n: usize| {
            let q = format!("{}ID{}", open.repeat(n), close.repeat(n));
            Filter::<Col>::parse(q.as_bytes()).map(|_| ())
        };
        assert_eq!(deep("(", ")", MAX_DEPTH), Ok(()));
        assert_eq!(deep("!", "", MAX_DEPTH), Ok(()));
        for (open, close) in [("(", ")"), ("!", ""), ("(!", ")")] {
            assert_eq!(
                deep(open, close, 100_000),
                Err(String::from("memory exhausted"))
            );
        }
        let chain = format!("ID{}", "==1".repeat(100_000));
        assert!(Filter::<Col>::parse(chain.as_bytes()).is_err());
        let cells = [(Col::Id, "7")];
        let mut or = String::from("ID == 0");
        for i in 1..100_000 {
            or.push_str(&format!(" || ID == {i}"));
        }
        assert_eq!(check(&or, &cells), Ok(true));
        assert_eq!(check(&format!("!({or}) && ID == 7"), &cells), Ok(false));
    }

    #[test]
    fn syntax_errors() {
        assert!(Filter::<Col>::parse(b"FSTYPE ==").is_err());
        assert!(Filter::<Col>::parse(b"(FSTYPE == 'x'").is_err());
        assert!(Filter::<Col>::parse(b"FSTYPE =~ '('").is_err());
        assert!(Filter::<Col>::parse(b"").expect("empty").root.is_none());
    }

    #[test]
    fn g_format() {
        assert_eq!(format_g(1.5), "1.5");
        assert_eq!(format_g(100.0), "100");
        assert_eq!(format_g(1234567.0), "1.23457e+06");
        assert_eq!(format_g(0.0001), "0.0001");
        assert_eq!(format_g(999999.5), "1e+06");
        assert_eq!(format_g(-2.5e-5), "-2.5e-05");
        assert_eq!(format_g(99999.95), "99999.9");
    }
}
