//! nsbox `lsns`: list namespaces.
//!
//! Not written yet (issue 7); this crate holds no code until then, and
//! `nsbox --list` does not offer the tool.
