//! The LABEL, UUID, PARTLABEL and PARTUUID columns (findmnt `get_tag()`):
//! a `NAME=value` source gives its own value; otherwise the source device
//! is looked up among udev's `/dev/disk/by-*` links, then (seam) in its
//! superblock.

use super::columns::Col;
use super::rows::resolve_spec;
use crate::mountinfo::MountEntry;
use std::collections::HashMap;
use std::os::unix::ffi::OsStrExt;
use std::sync::OnceLock;

/// The tag name and the udev directory of a tag column.
fn tag_of(col: Col) -> Option<(&'static [u8], &'static str)> {
    Some(match col {
        Col::Label => (b"LABEL", "by-label"),
        Col::Uuid => (b"UUID", "by-uuid"),
        Col::PartLabel => (b"PARTLABEL", "by-partlabel"),
        Col::PartUuid => (b"PARTUUID", "by-partuuid"),
        _ => return None,
    })
}

/// udev's `\xHH` escapes in link names (`My\x20Disk`).
fn unhex(name: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len());
    let mut i = 0;
    while i < name.len() {
        if name[i] == b'\\' && name.get(i + 1) == Some(&b'x') {
            if let Some(h) = name
                .get(i + 2..i + 4)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(h);
                i += 4;
                continue;
            }
        }
        out.push(name[i]);
        i += 1;
    }
    out
}

/// Device path to tag value.
type Links = HashMap<Vec<u8>, Vec<u8>>;

/// device path -> value, for one `/dev/disk/by-*` directory (read once).
fn links(dir: &'static str) -> &'static Links {
    static CACHE: OnceLock<HashMap<&'static str, Links>> = OnceLock::new();
    let all = CACHE.get_or_init(|| {
        ["by-label", "by-uuid", "by-partlabel", "by-partuuid"]
            .into_iter()
            .map(|d| {
                let mut map = HashMap::new();
                if let Ok(rd) = std::fs::read_dir(format!("/dev/disk/{d}")) {
                    for ent in rd.filter_map(Result::ok) {
                        if let Ok(dev) = std::fs::canonicalize(ent.path()) {
                            map.entry(dev.as_os_str().as_bytes().to_vec())
                                .or_insert_with(|| unhex(ent.file_name().as_bytes()));
                        }
                    }
                }
                (d, map)
            })
            .collect()
    });
    static EMPTY: OnceLock<Links> = OnceLock::new();
    all.get(dir)
        .unwrap_or_else(|| EMPTY.get_or_init(HashMap::new))
}

/// The value of `tag` read from `device`'s superblock, with the prober
/// mount uses ([`crate::blkid`]; it knows LABEL and UUID, not the
/// partition table's PARTLABEL and PARTUUID).
fn from_superblock(device: &[u8], tag: &[u8]) -> Option<Vec<u8>> {
    let sb = crate::blkid::probe_source(std::ffi::OsStr::from_bytes(device))?;
    match tag {
        b"LABEL" => sb.label.map(String::into_bytes),
        b"UUID" => sb.uuid.map(String::into_bytes),
        _ => None,
    }
}

/// The cell of a tag column for `e`.
pub fn column(col: Col, e: &MountEntry) -> Vec<u8> {
    let Some((tag, dir)) = tag_of(col) else {
        return Vec::new();
    };
    let src = e.source.as_bytes();
    if let Some(value) = src
        .strip_prefix(tag)
        .and_then(|rest| rest.strip_prefix(b"="))
    {
        let value = value
            .strip_prefix(b"\"")
            .and_then(|v| v.strip_suffix(b"\""))
            .unwrap_or(value);
        return value.to_vec();
    }
    if !src.starts_with(b"/") && !src.contains(&b'=') {
        return Vec::new();
    }
    let Some(dev) = resolve_spec(src) else {
        return Vec::new();
    };
    if let Some(v) = links(dir).get(&dev) {
        return v.clone();
    }
    from_superblock(&dev, tag).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn udev_escapes_are_decoded() {
        assert_eq!(unhex(b"My\\x20Disk"), b"My Disk");
        assert_eq!(unhex(b"a\\xZZ"), b"a\\xZZ");
    }
}
