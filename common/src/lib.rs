//! Shared pieces of the nsbox tools.
//!
//! Small on purpose: getopt_long-compatible option parsing ([`cli`]),
//! util-linux-style messages and exit statuses ([`error`]), and the table of
//! namespace kinds ([`ns`]), and the libsmartcols-compatible table writer
//! ([`table`]). Nothing here prints results or knows one tool.
#![deny(missing_docs)]

pub mod caps;
pub mod cli;
pub mod error;
pub mod ns;
pub mod table;
