//! The 13 lsns columns: names, widths, alignment and JSON types.
#![forbid(unsafe_code)]

use common::table::{Column, JsonType};

/// One output column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Col {
    /// Namespace inode.
    Ns,
    /// Namespace kind.
    Type,
    /// `/proc/PID/ns/TYPE` of the representative process.
    Path,
    /// Number of processes.
    Nprocs,
    /// Lowest PID.
    Pid,
    /// Its parent PID.
    Ppid,
    /// Its command line.
    Command,
    /// Its uid.
    Uid,
    /// Its user name.
    User,
    /// Network namespace id.
    Netnsid,
    /// nsfs mount points.
    Nsfs,
    /// Parent namespace inode.
    Pns,
    /// Owner namespace inode.
    Ons,
}

impl Col {
    /// Every column, in `--output-all` order.
    pub const ALL: [Col; 13] = [
        Col::Ns,
        Col::Type,
        Col::Path,
        Col::Nprocs,
        Col::Pid,
        Col::Ppid,
        Col::Command,
        Col::Uid,
        Col::User,
        Col::Netnsid,
        Col::Nsfs,
        Col::Pns,
        Col::Ons,
    ];

    /// Header text.
    pub fn name(self) -> &'static str {
        match self {
            Col::Ns => "NS",
            Col::Type => "TYPE",
            Col::Path => "PATH",
            Col::Nprocs => "NPROCS",
            Col::Pid => "PID",
            Col::Ppid => "PPID",
            Col::Command => "COMMAND",
            Col::Uid => "UID",
            Col::User => "USER",
            Col::Netnsid => "NETNSID",
            Col::Nsfs => "NSFS",
            Col::Pns => "PNS",
            Col::Ons => "ONS",
        }
    }

    /// What the column shows (`--list-columns`).
    pub fn help(self) -> &'static str {
        match self {
            Col::Ns => "inode number identifying the namespace",
            Col::Type => "namespace kind",
            Col::Path => "namespace file of the lowest PID",
            Col::Nprocs => "processes in the namespace",
            Col::Pid => "lowest PID in the namespace",
            Col::Ppid => "parent of that PID",
            Col::Command => "command line of that PID",
            Col::Uid => "owner uid of that PID",
            Col::User => "owner name of that PID",
            Col::Netnsid => "id the network stack gives the namespace",
            Col::Nsfs => "where the namespace is bind-mounted (nsfs)",
            Col::Pns => "inode number of the parent namespace",
            Col::Ons => "inode number of the owning user namespace",
        }
    }

    /// Case-insensitive lookup by header text.
    pub fn by_name(name: &[u8]) -> Option<Col> {
        Col::ALL
            .into_iter()
            .find(|c| c.name().as_bytes().eq_ignore_ascii_case(name))
    }

    /// Numbers in JSON.
    pub fn json(self) -> JsonType {
        match self {
            Col::Ns | Col::Nprocs | Col::Pid | Col::Ppid | Col::Uid | Col::Pns | Col::Ons => {
                JsonType::Number
            }
            _ => JsonType::String,
        }
    }

    /// The table column, before tree and wrap adjustments.
    pub fn column(self) -> Column {
        let c = Column::new(self.name()).json(self.json());
        match self {
            Col::Ns | Col::Pns | Col::Ons => c.hint(10.0).right(),
            Col::Type => c.hint(5.0),
            Col::Nprocs | Col::Pid | Col::Ppid => c.hint(5.0).right(),
            Col::Command => c.trunc(),
            Col::Uid | Col::Netnsid => c.right(),
            _ => c,
        }
    }
}
