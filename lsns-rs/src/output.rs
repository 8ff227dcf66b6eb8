//! Rows to bytes: the namespace list (or one namespace's processes) as a
//! `common::table` in util-linux's order and nesting.
#![forbid(unsafe_code)]

use crate::cli::{Options, Tree};
use crate::columns::Col;
use crate::scan::{self, Model, OWNER, PARENT, TYPES};
use common::filter::Filter;
use common::table::{Format, JsonType, LineId, Table};
use std::collections::HashMap;
use std::os::unix::ffi::OsStrExt;

/// Per-process data read only for the rows shown.
#[derive(Default)]
struct Lazy {
    ppid: HashMap<usize, Option<i32>>,
    uid: HashMap<usize, u32>,
    command: HashMap<usize, Vec<u8>>,
    users: HashMap<u32, Vec<u8>>,
}

/// Builds the table.
pub struct Builder<'a> {
    o: &'a Options,
    m: &'a Model,
    table: Table,
    proc_line: HashMap<usize, LineId>,
    ns_line: Vec<Option<LineId>>,
    lazy: Lazy,
    filter: Option<Filter<Col>>,
    filter_failed: bool,
}

fn user_name(uid: u32) -> Vec<u8> {
    match nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid)) {
        Ok(Some(u)) if !u.name.is_empty() => u.name.into_bytes(),
        _ => uid.to_string().into_bytes(),
    }
}

impl<'a> Builder<'a> {
    /// An empty table with the requested columns.
    pub fn new(o: &'a Options, m: &'a Model, filter: Option<Filter<Col>>) -> Builder<'a> {
        let columns = o
            .columns
            .iter()
            .map(|&c| {
                let mut col = c.column();
                col.trunc &= !o.notruncate;
                if o.tree == Tree::Process && c == Col::Command {
                    col = col.tree();
                }
                if matches!(o.tree, Tree::Owner | Tree::Parent) && c == Col::Ns {
                    col = col.tree();
                    col.right = false;
                }
                if c == Col::Nsfs && !o.nowrap && !o.json {
                    col = col.multiline();
                }
                if !o.json {
                    col.json = JsonType::String;
                }
                col
            })
            .collect();
        let mut table = Table::new("namespaces", columns);
        table.noheadings = o.noheadings;
        table.format = if o.json {
            Format::Json
        } else if o.raw {
            Format::Raw
        } else {
            Format::Human
        };
        Builder {
            o,
            m,
            table,
            proc_line: HashMap::new(),
            ns_line: vec![None; m.ns.len()],
            lazy: Lazy::default(),
            filter,
            filter_failed: false,
        }
    }

    /// The finished table.
    /// The table, or `None` when the `-Q` filter could not be applied to a
    /// row (a cell that does not convert to the type it is compared as,
    /// `TYPE == 5`): util-linux then prints no table and fails.
    pub fn finish(self) -> Option<Table> {
        (!self.filter_failed).then_some(self.table)
    }

    fn parent_proc(&mut self, p: usize) -> Option<usize> {
        let m = self.m;
        let ppid = *self
            .lazy
            .ppid
            .entry(p)
            .or_insert_with(|| scan::read_ppid(m.procs[p].pid));
        m.by_pid.get(&ppid?).copied()
    }

    /// util-linux `show_namespaces()`.
    pub fn namespaces(&mut self) {
        for n in self.m.sorted() {
            let ns = &self.m.ns[n];
            if let Some(task) = self.o.task {
                if !ns.procs.iter().any(|&p| self.m.procs[p].pid == task) {
                    continue;
                }
            }
            if self.o.persistent && !ns.procs.is_empty() {
                continue;
            }
            if self.ns_line[n].is_none() {
                self.namespace(n, 0);
            }
        }
    }

    fn namespace(&mut self, n: usize, depth: usize) {
        let ns = &self.m.ns[n];
        if depth < 64 {
            let shown =
                |r: Option<usize>, lines: &[Option<LineId>]| r.filter(|&r| lines[r].is_none());
            match self.o.tree {
                Tree::Owner => {
                    if let Some(r) = shown(ns.related_ns[OWNER], &self.ns_line) {
                        self.namespace(r, depth + 1);
                    }
                }
                Tree::Parent => {
                    if let Some(p) = ns.related_ns[PARENT] {
                        if self.ns_line[p].is_none() {
                            self.namespace(p, depth + 1);
                        }
                    } else if let Some(r) = shown(ns.related_ns[OWNER], &self.ns_line) {
                        self.namespace(r, depth + 1);
                    }
                }
                _ => {}
            }
        }
        let rep = self.m.ns[n].rep(self.m);
        self.line(n, rep);
    }

    /// util-linux `show_namespace_processes()`.
    pub fn processes(&mut self, n: usize) {
        let kind = self.m.ns[n].kind;
        for &p in &self.m.ns[n].procs {
            if self.proc_line.contains_key(&p) {
                continue;
            }
            let mut chain = vec![p];
            if self.o.tree == Tree::Process {
                let mut cur = p;
                while chain.len() < 100_000 {
                    let Some(pp) = self.parent_proc(cur) else {
                        break;
                    };
                    if self.proc_line.contains_key(&pp)
                        || chain.contains(&pp)
                        || self.m.procs[pp].ns[kind] != self.m.procs[p].ns[kind]
                    {
                        break;
                    }
                    chain.push(pp);
                    cur = pp;
                }
            }
            for &q in chain.iter().rev() {
                self.line(n, Some(q));
            }
        }
    }

    fn line(&mut self, n: usize, proc: Option<usize>) {
        let ns = &self.m.ns[n];
        let parent = match self.o.tree {
            Tree::Process => match proc {
                Some(p) => self
                    .parent_proc(p)
                    .and_then(|pp| self.proc_line.get(&pp).copied()),
                None => None,
            },
            Tree::Parent => ns.related_ns[PARENT].and_then(|r| self.ns_line[r]),
            Tree::Owner => ns.related_ns[OWNER].and_then(|r| self.ns_line[r]),
            Tree::None => None,
        };
        if let Some(f) = self.filter.take() {
            let keep = f
                .matches(&mut |c| self.cell(n, proc, c))
                .unwrap_or_else(|_| {
                    self.filter_failed = true;
                    false
                });
            self.filter = Some(f);
            if !keep {
                return;
            }
        }
        let line = self.table.add_line(parent);
        for (i, &col) in self.o.columns.iter().enumerate() {
            let cell = self.cell(n, proc, col);
            if !cell.is_empty() {
                self.table.set_cell(line, i, cell);
            }
        }
        if matches!(self.o.tree, Tree::Owner | Tree::Parent) {
            self.ns_line[n] = Some(line);
        } else if let Some(p) = proc {
            self.proc_line.insert(p, line);
        }
    }

    fn uid(&mut self, n: usize, proc: Option<usize>) -> u32 {
        let m = self.m;
        match proc {
            Some(p) => *self.lazy.uid.entry(p).or_insert_with(|| {
                m.procs[p]
                    .uid
                    .or_else(|| scan::read_uid(m.procs[p].pid))
                    .unwrap_or(0)
            }),
            None => m.ns[n].uid_fallback,
        }
    }

    fn cell(&mut self, n: usize, proc: Option<usize>, col: Col) -> Vec<u8> {
        let m = self.m;
        let ns = &m.ns[n];
        let pid = proc.map(|p| m.procs[p].pid);
        match col {
            Col::Ns => ns.id.to_string().into_bytes(),
            Col::Type => TYPES[ns.kind].as_bytes().to_vec(),
            Col::Path => pid.map_or_else(Vec::new, |pid| {
                format!("/proc/{pid}/ns/{}", TYPES[ns.kind]).into_bytes()
            }),
            Col::Nprocs => ns.procs.len().to_string().into_bytes(),
            Col::Pid => pid.map_or_else(Vec::new, |p| p.to_string().into_bytes()),
            Col::Ppid => match proc {
                Some(p) => {
                    let ppid = *self
                        .lazy
                        .ppid
                        .entry(p)
                        .or_insert_with(|| scan::read_ppid(m.procs[p].pid));
                    ppid.map_or_else(Vec::new, |v| v.to_string().into_bytes())
                }
                None => Vec::new(),
            },
            Col::Command => match proc {
                Some(p) => self
                    .lazy
                    .command
                    .entry(p)
                    .or_insert_with(|| scan::read_command(m.procs[p].pid).unwrap_or_default())
                    .clone(),
                None => Vec::new(),
            },
            Col::Uid => self.uid(n, proc).to_string().into_bytes(),
            Col::User => {
                let uid = self.uid(n, proc);
                self.lazy
                    .users
                    .entry(uid)
                    .or_insert_with(|| user_name(uid))
                    .clone()
            }
            Col::Netnsid => match (ns.kind == scan::NET, ns.netnsid) {
                (true, Some(v)) if v >= 0 => v.to_string().into_bytes(),
                (true, Some(-1)) => b"unassigned".to_vec(),
                _ => Vec::new(),
            },
            Col::Nsfs => {
                let sep: &[u8] = if self.o.nowrap {
                    b","
                } else if self.o.json {
                    b"\n"
                } else {
                    b"\0"
                };
                let targets: Vec<&[u8]> = m
                    .nsfs_targets(n)
                    .into_iter()
                    .map(|t| t.as_bytes())
                    .collect();
                targets.join(sep)
            }
            Col::Pns => ns.related[PARENT].to_string().into_bytes(),
            Col::Ons => ns.related[OWNER].to_string().into_bytes(),
        }
    }
}
