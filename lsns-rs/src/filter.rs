//! `-Q/--filter`: the libsmartcols filter expressions lsns accepts, on the
//! columns of a row (scols-filter(5)): comparisons `==`/`eq`, `!=`/`ne`,
//! `<`/`lt`, `<=`/`le`, `>`/`gt`, `>=`/`ge` between column names, quoted
//! strings and numbers; `&&`/`and`, `||`/`or`, `!`/`not` and parentheses.
//! A number-typed column compares numerically with a number, otherwise the
//! texts compare; an empty cell is false and equal to nothing.
#![forbid(unsafe_code)]

use crate::columns::Col;
use common::table::JsonType;

/// A parsed expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A column's cell.
    Holder(Col),
    /// A quoted string.
    Str(Vec<u8>),
    /// A number.
    Num(f64),
    /// A boolean literal.
    Bool(bool),
    /// `!`.
    Not(Box<Expr>),
    /// `&&`.
    And(Box<Expr>, Box<Expr>),
    /// `||`.
    Or(Box<Expr>, Box<Expr>),
    /// A comparison.
    Cmp(Box<Expr>, Op, Box<Expr>),
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Name(String),
    Str(Vec<u8>),
    Num(f64),
    Op(Op),
    And,
    Or,
    Not,
    Open,
    Close,
}

fn lex(s: &[u8]) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        let two = s.get(i..i + 2).unwrap_or_default();
        match c {
            b' ' | b'\t' | b'\n' => i += 1,
            b'(' => {
                out.push(Tok::Open);
                i += 1;
            }
            b')' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'"' | b'\'' => {
                let end = s[i + 1..]
                    .iter()
                    .position(|&b| b == c)
                    .ok_or("unterminated string")?;
                out.push(Tok::Str(s[i + 1..i + 1 + end].to_vec()));
                i += end + 2;
            }
            _ if two == b"&&" => {
                out.push(Tok::And);
                i += 2;
            }
            _ if two == b"||" => {
                out.push(Tok::Or);
                i += 2;
            }
            _ if two == b"==" || two == b"!=" || two == b"<=" || two == b">=" => {
                out.push(Tok::Op(match two {
                    b"==" => Op::Eq,
                    b"!=" => Op::Ne,
                    b"<=" => Op::Le,
                    _ => Op::Ge,
                }));
                i += 2;
            }
            _ if two == b"=~" || two == b"!~" => {
                return Err(String::from("regular expressions are not supported"))
            }
            b'<' | b'>' => {
                out.push(Tok::Op(if c == b'<' { Op::Lt } else { Op::Gt }));
                i += 1;
            }
            b'!' => {
                out.push(Tok::Not);
                i += 1;
            }
            _ if c.is_ascii_digit() || c == b'-' || c == b'.' => {
                let end = s[i..]
                    .iter()
                    .position(|b| !(b.is_ascii_digit() || *b == b'.' || *b == b'-'))
                    .map_or(s.len(), |n| i + n);
                let text = std::str::from_utf8(&s[i..end]).map_err(|e| e.to_string())?;
                out.push(Tok::Num(text.parse().map_err(|_| "syntax error")?));
                i = end;
            }
            _ if c.is_ascii_alphabetic() || c == b'_' => {
                let end = s[i..]
                    .iter()
                    .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'%')))
                    .map_or(s.len(), |n| i + n);
                let word = String::from_utf8_lossy(&s[i..end]).into_owned();
                out.push(match word.as_str() {
                    "and" | "AND" => Tok::And,
                    "or" | "OR" => Tok::Or,
                    "not" | "NOT" => Tok::Not,
                    "eq" | "EQ" => Tok::Op(Op::Eq),
                    "ne" | "NE" => Tok::Op(Op::Ne),
                    "lt" | "LT" => Tok::Op(Op::Lt),
                    "le" | "LE" => Tok::Op(Op::Le),
                    "gt" | "GT" => Tok::Op(Op::Gt),
                    "ge" | "GE" => Tok::Op(Op::Ge),
                    _ => Tok::Name(word),
                });
                i = end;
            }
            _ => return Err(String::from("syntax error")),
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    unknown: Vec<String>,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut e = self.and()?;
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            e = Expr::Or(Box::new(e), Box::new(self.and()?));
        }
        Ok(e)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut e = self.unary()?;
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            e = Expr::And(Box::new(e), Box::new(self.unary()?));
        }
        Ok(e)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.peek() == Some(&Tok::Not) {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        let left = self.operand()?;
        if let Some(Tok::Op(op)) = self.peek() {
            let op = *op;
            self.pos += 1;
            let right = self.operand()?;
            return Ok(Expr::Cmp(Box::new(left), op, Box::new(right)));
        }
        Ok(left)
    }

    fn operand(&mut self) -> Result<Expr, String> {
        let tok = self.peek().cloned().ok_or("syntax error")?;
        self.pos += 1;
        match tok {
            Tok::Open => {
                let e = self.or()?;
                if self.peek() != Some(&Tok::Close) {
                    return Err(String::from("syntax error"));
                }
                self.pos += 1;
                Ok(e)
            }
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Name(n) if n.eq_ignore_ascii_case("true") => Ok(Expr::Bool(true)),
            Tok::Name(n) if n.eq_ignore_ascii_case("false") => Ok(Expr::Bool(false)),
            Tok::Name(n) => match Col::by_name(n.as_bytes()) {
                Some(c) => Ok(Expr::Holder(c)),
                None => {
                    self.unknown.push(n);
                    Ok(Expr::Bool(false))
                }
            },
            _ => Err(String::from("syntax error")),
        }
    }
}

/// Why a filter cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub enum FilterError {
    /// A syntax error (its message).
    Parse(String),
    /// Column names that do not exist.
    Unknown(Vec<String>),
}

/// Parses an expression.
pub fn parse(query: &[u8]) -> Result<Expr, FilterError> {
    let toks = lex(query).map_err(FilterError::Parse)?;
    let mut p = Parser {
        toks,
        pos: 0,
        unknown: Vec::new(),
    };
    let e = p.or().map_err(FilterError::Parse)?;
    if p.pos != p.toks.len() {
        return Err(FilterError::Parse(String::from("syntax error")));
    }
    if !p.unknown.is_empty() {
        return Err(FilterError::Unknown(p.unknown));
    }
    Ok(e)
}

impl Expr {
    /// The columns the expression reads.
    pub fn holders(&self, out: &mut Vec<Col>) {
        match self {
            Expr::Holder(c) => out.push(*c),
            Expr::Not(e) => e.holders(out),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(a, _, b) => {
                a.holders(out);
                b.holders(out);
            }
            _ => {}
        }
    }

    /// Evaluates on a row; `cell` gives a column's text.
    pub fn eval(&self, cell: &mut dyn FnMut(Col) -> Vec<u8>) -> bool {
        match self {
            Expr::Holder(c) => {
                let v = cell(*c);
                !v.is_empty() && v != b"0"
            }
            Expr::Str(s) => !s.is_empty(),
            Expr::Num(n) => *n != 0.0,
            Expr::Bool(b) => *b,
            Expr::Not(e) => !e.eval(cell),
            Expr::And(a, b) => a.eval(cell) && b.eval(cell),
            Expr::Or(a, b) => a.eval(cell) || b.eval(cell),
            Expr::Cmp(a, op, b) => {
                let numeric = |e: &Expr| match e {
                    Expr::Holder(c) => c.json() == JsonType::Number,
                    Expr::Num(_) => true,
                    _ => false,
                };
                let both_numeric = numeric(a) && numeric(b);
                let (x, y) = (value(a, cell), value(b, cell));
                let (Some(x), Some(y)) = (x, y) else {
                    return false;
                };
                let ord = if both_numeric {
                    let parse = |v: &[u8]| std::str::from_utf8(v).ok()?.parse::<f64>().ok();
                    match (parse(&x), parse(&y)) {
                        (Some(x), Some(y)) => x.partial_cmp(&y),
                        _ => None,
                    }
                } else {
                    Some(x.cmp(&y))
                };
                let Some(ord) = ord else {
                    return false;
                };
                match op {
                    Op::Eq => ord.is_eq(),
                    Op::Ne => ord.is_ne(),
                    Op::Lt => ord.is_lt(),
                    Op::Le => ord.is_le(),
                    Op::Gt => ord.is_gt(),
                    Op::Ge => ord.is_ge(),
                }
            }
        }
    }
}

fn value(e: &Expr, cell: &mut dyn FnMut(Col) -> Vec<u8>) -> Option<Vec<u8>> {
    match e {
        Expr::Holder(c) => Some(cell(*c)).filter(|v| !v.is_empty()),
        Expr::Str(s) => Some(s.clone()),
        Expr::Num(n) => Some(format!("{n}").into_bytes()),
        Expr::Bool(b) => Some(if *b { b"1".to_vec() } else { b"0".to_vec() }),
        other => Some(if other.eval(cell) {
            b"1".to_vec()
        } else {
            b"0".to_vec()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(q: &str, row: &[(Col, &str)]) -> bool {
        let e = parse(q.as_bytes()).expect("parse");
        e.eval(&mut |c| {
            row.iter()
                .find(|(k, _)| *k == c)
                .map(|(_, v)| v.as_bytes().to_vec())
                .unwrap_or_default()
        })
    }

    #[test]
    fn comparisons_and_logic() {
        let row = [
            (Col::Ns, "4026532322"),
            (Col::Nprocs, "1"),
            (Col::Netnsid, "117"),
            (Col::Type, "net"),
        ];
        assert!(run("NS == 4026532322 && NPROCS == 1", &row));
        assert!(run("NETNSID == '117'", &row));
        assert!(!run("NETNSID == \"118\" or TYPE != 'net'", &row));
        assert!(run("!(NPROCS > 1) and ns ge 4026532322", &row));
        assert!(!run("PID == 1", &row));
    }

    #[test]
    fn errors() {
        assert_eq!(
            parse(b"FOO == 1"),
            Err(FilterError::Unknown(vec!["FOO".into()]))
        );
        assert!(matches!(parse(b"NS =="), Err(FilterError::Parse(_))));
    }
}
