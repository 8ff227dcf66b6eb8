//! Superblock probing: which filesystem a device or image holds, and its
//! label and UUID, read straight from the on-disk formats (as libblkid's
//! superblock probers do), for machines and containers without udev's
//! `/dev/disk/by-*` links.
//!
//! API: [`probe`] (a path) and [`probe_bytes`] (a reader) return a
//! [`Superblock`]; [`find_by_tag`] looks for `LABEL=`/`UUID=` among the
//! block devices of `/proc/partitions`; [`partitions`] reads a GPT or MBR
//! table and [`find_partition`] resolves `PARTUUID=`/`PARTLABEL=`. Known formats: ext2, ext3, ext4
//! (and an external ext journal, `jbd`), xfs, btrfs, vfat (FAT12/16/32) and
//! swap (v1, page sizes 4 KiB to 64 KiB). Every field is read with bounds
//! checks: a short or hostile image yields `None`, never a panic.

use std::ffi::{OsStr, OsString};
use std::io::{Read, Seek, SeekFrom};

/// What a superblock says about a filesystem.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Superblock {
    /// The type as mount(2) and blkid(8) name it (`ext4`, `xfs`, `swap`, ...).
    pub fstype: &'static str,
    /// The volume label, when set.
    pub label: Option<String>,
    /// The UUID (or FAT serial `XXXX-XXXX`), in blkid's spelling.
    pub uuid: Option<String>,
    /// `filesystem` for mountable types, `other` for swap and journals
    /// (blkid's `USAGE`).
    pub usage: &'static str,
}

/// Probes the device or image file at `path`.
pub fn probe(path: impl AsRef<std::path::Path>) -> Option<Superblock> {
    let mut f = std::fs::File::open(path).ok()?;
    probe_bytes(&mut f)
}

/// Reads `len` bytes at `off`; `None` when the device is shorter.
fn read_at<R: Read + Seek>(r: &mut R, off: u64, len: usize) -> Option<Vec<u8>> {
    r.seek(SeekFrom::Start(off)).ok()?;
    let mut buf = vec![0u8; len];
    r.read_exact(&mut buf).ok()?;
    Some(buf)
}

fn u16le(b: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(off..off + 2)?.try_into().ok()?))
}

fn u32le(b: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(off..off + 4)?.try_into().ok()?))
}

/// A NUL- (and, for FAT, space-) padded label; `None` when empty.
fn label(b: &[u8], off: usize, len: usize, trim_spaces: bool) -> Option<String> {
    let raw = b.get(off..off + len)?;
    let end = raw.iter().position(|&c| c == 0).unwrap_or(raw.len());
    let s = String::from_utf8_lossy(&raw[..end]).into_owned();
    let s = if trim_spaces {
        s.trim_end_matches(' ').to_owned()
    } else {
        s
    };
    (!s.is_empty()).then_some(s)
}

/// A 16-byte UUID as `8-4-4-4-12` lowercase hex; `None` when all zero.
fn uuid(b: &[u8], off: usize) -> Option<String> {
    let u = b.get(off..off + 16)?;
    if u.iter().all(|&c| c == 0) {
        return None;
    }
    let hex: Vec<String> = u.iter().map(|c| format!("{c:02x}")).collect();
    Some(format!(
        "{}-{}-{}-{}-{}",
        hex[0..4].concat(),
        hex[4..6].concat(),
        hex[6..8].concat(),
        hex[8..10].concat(),
        hex[10..16].concat()
    ))
}

/// Probes a seekable reader holding a whole device image.
pub fn probe_bytes<R: Read + Seek>(r: &mut R) -> Option<Superblock> {
    ext(r)
        .or_else(|| xfs(r))
        .or_else(|| btrfs(r))
        .or_else(|| swap(r))
        .or_else(|| vfat(r))
}

/// ext2/3/4: superblock at 1 KiB, magic 0xEF53 at 0x38.
fn ext<R: Read + Seek>(r: &mut R) -> Option<Superblock> {
    let sb = read_at(r, 1024, 1024)?;
    if u16le(&sb, 0x38)? != 0xEF53 {
        return None;
    }
    let compat = u32le(&sb, 0x5C)?;
    let incompat = u32le(&sb, 0x60)?;
    let ro_compat = u32le(&sb, 0x64)?;
    const HAS_JOURNAL: u32 = 0x4;
    const JOURNAL_DEV: u32 = 0x8;
    // What ext3 understands; anything else needs ext4 (libblkid's rule).
    const EXT3_INCOMPAT: u32 = 0x2 | 0x4 | 0x10; // filetype, recover, meta_bg
    const EXT3_RO_COMPAT: u32 = 0x1 | 0x2 | 0x4; // sparse_super, large_file, btree_dir
    let (fstype, usage) = if incompat & JOURNAL_DEV != 0 {
        ("jbd", "other")
    } else if incompat & !EXT3_INCOMPAT != 0 || ro_compat & !EXT3_RO_COMPAT != 0 {
        ("ext4", "filesystem")
    } else if compat & HAS_JOURNAL != 0 {
        ("ext3", "filesystem")
    } else {
        ("ext2", "filesystem")
    };
    Some(Superblock {
        fstype,
        label: label(&sb, 0x78, 16, false),
        uuid: uuid(&sb, 0x68),
        usage,
    })
}

/// xfs: `XFSB` at 0, UUID at 32, 12-byte name at 108.
fn xfs<R: Read + Seek>(r: &mut R) -> Option<Superblock> {
    let sb = read_at(r, 0, 512)?;
    if sb.get(0..4)? != b"XFSB" {
        return None;
    }
    Some(Superblock {
        fstype: "xfs",
        label: label(&sb, 108, 12, false),
        uuid: uuid(&sb, 32),
        usage: "filesystem",
    })
}

/// btrfs: superblock at 64 KiB, `_BHRfS_M` at 0x40, fsid at 0x20, label
/// (256 bytes) at 0x12b.
fn btrfs<R: Read + Seek>(r: &mut R) -> Option<Superblock> {
    let sb = read_at(r, 0x10000, 0x1000)?;
    if sb.get(0x40..0x48)? != b"_BHRfS_M" {
        return None;
    }
    Some(Superblock {
        fstype: "btrfs",
        label: label(&sb, 0x12b, 256, false),
        uuid: uuid(&sb, 0x20),
        usage: "filesystem",
    })
}

/// swap v1: `SWAPSPACE2` (or the old `SWAP-SPACE`) in the last 10 bytes of
/// the first page; UUID at 1036, label at 1052.
fn swap<R: Read + Seek>(r: &mut R) -> Option<Superblock> {
    for page in [4096u64, 8192, 16384, 32768, 65536] {
        let Some(magic) = read_at(r, page - 10, 10) else {
            continue;
        };
        if magic != b"SWAPSPACE2" && magic != b"SWAP-SPACE" {
            continue;
        }
        let hdr = read_at(r, 1024, 64)?;
        let v2 = magic == b"SWAPSPACE2";
        return Some(Superblock {
            fstype: "swap",
            label: if v2 { label(&hdr, 28, 16, false) } else { None },
            uuid: if v2 { uuid(&hdr, 12) } else { None },
            usage: "other",
        });
    }
    None
}

/// vfat: boot sector signature 0x55AA, `FAT12/16` at 0x36 or `FAT32` at
/// 0x52; serial and label from the (extended) BIOS parameter block.
fn vfat<R: Read + Seek>(r: &mut R) -> Option<Superblock> {
    let bs = read_at(r, 0, 512)?;
    if bs.get(510..512)? != [0x55, 0xAA] {
        return None;
    }
    let fat32 = bs.get(0x52..0x57)? == b"FAT32";
    let fat16 = bs.get(0x36..0x39)? == b"FAT";
    if !fat32 && !fat16 {
        return None;
    }
    // A FAT boot sector has a plausible sector size and cluster size.
    let sector = u16le(&bs, 11)?;
    let cluster = *bs.get(13)?;
    if !matches!(sector, 512 | 1024 | 2048 | 4096) || !cluster.is_power_of_two() {
        return None;
    }
    let (serial_off, label_off) = if fat32 { (0x43, 0x47) } else { (0x27, 0x2B) };
    let serial = u32le(&bs, serial_off)?;
    let lab = label(&bs, label_off, 11, true).filter(|l| l != "NO NAME");
    Some(Superblock {
        fstype: "vfat",
        label: lab,
        uuid: (serial != 0).then(|| format!("{:04X}-{:04X}", serial >> 16, serial & 0xffff)),
        usage: "filesystem",
    })
}

/// The block devices the kernel knows (`/proc/partitions`), as `/dev/NAME`.
pub fn block_devices() -> Vec<OsString> {
    let Ok(text) = std::fs::read_to_string("/proc/partitions") else {
        return Vec::new();
    };
    text.lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().nth(3))
        .map(|name| OsString::from(format!("/dev/{name}")))
        .collect()
}

/// Finds the device whose superblock has this `LABEL` or `UUID` (`tag` is
/// `LABEL` or `UUID`), scanning [`block_devices`] plus the attached loop
/// devices. UUIDs compare case-insensitively.
pub fn find_by_tag(tag: &str, value: &str) -> Option<OsString> {
    devices_with_tag(tag, value).into_iter().next()
}

/// Every block device (those of `/proc/partitions`, then attached loop
/// devices not listed there) whose superblock has LABEL or UUID `value`
/// (libblkid's device iteration with a search, as findmnt's SOURCES uses).
pub fn devices_with_tag(tag: &str, value: &str) -> Vec<OsString> {
    let mut devs = block_devices();
    if let Ok(dir) = std::fs::read_dir("/sys/block") {
        for e in dir.flatten() {
            let name = e.file_name();
            let dev = OsString::from(format!("/dev/{}", name.to_string_lossy()));
            if name.to_string_lossy().starts_with("loop")
                && e.path().join("loop").exists()
                && !devs.contains(&dev)
            {
                devs.push(dev);
            }
        }
    }
    devs.into_iter()
        .filter(|d| {
            let Some(sb) = probe(d) else { return false };
            match tag {
                "LABEL" => sb.label.as_deref() == Some(value),
                "UUID" => sb
                    .uuid
                    .as_deref()
                    .is_some_and(|u| u.eq_ignore_ascii_case(value)),
                _ => false,
            }
        })
        .collect()
}

/// One entry of a partition table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partition {
    /// 1-based partition number.
    pub number: u32,
    /// `PARTUUID`: the GPT unique GUID, or `SIGNATURE-NN` for MBR.
    pub uuid: String,
    /// `PARTLABEL` (GPT only).
    pub label: Option<String>,
}

/// A GUID in its on-disk mixed-endian layout as text.
fn guid(b: &[u8]) -> Option<String> {
    let b = b.get(0..16)?;
    if b.iter().all(|&c| c == 0) {
        return None;
    }
    let mut v: Vec<u8> = Vec::with_capacity(16);
    v.extend(b[0..4].iter().rev());
    v.extend(b[4..6].iter().rev());
    v.extend(b[6..8].iter().rev());
    v.extend(&b[8..16]);
    uuid(&v, 0)
}

/// The partitions of a whole-disk image or device: GPT (header at LBA 1,
/// 512-byte sectors) or, failing that, the four MBR primary entries.
pub fn partitions<R: Read + Seek>(r: &mut R) -> Vec<Partition> {
    gpt(r).unwrap_or_else(|| mbr(r).unwrap_or_default())
}

fn gpt<R: Read + Seek>(r: &mut R) -> Option<Vec<Partition>> {
    let hdr = read_at(r, 512, 92)?;
    if hdr.get(0..8)? != b"EFI PART" {
        return None;
    }
    let lba = u64::from_le_bytes(hdr.get(72..80)?.try_into().ok()?);
    let count = u32le(&hdr, 80)?.min(1024);
    let size = u32le(&hdr, 84)?;
    if !(128..=4096).contains(&size) {
        return None;
    }
    let size = usize::try_from(size).ok()?;
    let table = read_at(
        r,
        lba.checked_mul(512)?,
        size * usize::try_from(count).ok()?,
    )?;
    let mut out = Vec::new();
    for (i, e) in table.chunks(size).enumerate() {
        if e.get(0..16)?.iter().all(|&c| c == 0) {
            continue;
        }
        let name: Vec<u16> = e
            .get(56..128)?
            .chunks(2)
            .map(|c| u16::from_le_bytes([c[0], c.get(1).copied().unwrap_or(0)]))
            .take_while(|&c| c != 0)
            .collect();
        let name = String::from_utf16_lossy(&name);
        out.push(Partition {
            number: u32::try_from(i + 1).ok()?,
            uuid: guid(e.get(16..32)?)?,
            label: (!name.is_empty()).then_some(name),
        });
    }
    Some(out)
}

fn mbr<R: Read + Seek>(r: &mut R) -> Option<Vec<Partition>> {
    let s = read_at(r, 0, 512)?;
    if s.get(510..512)? != [0x55, 0xAA] {
        return None;
    }
    let sig = u32le(&s, 440)?;
    let mut out = Vec::new();
    for n in 0..4u32 {
        let off = 446 + 16 * usize::try_from(n).ok()?;
        let kind = *s.get(off + 4)?;
        if kind != 0 && sig != 0 {
            out.push(Partition {
                number: n + 1,
                uuid: format!("{sig:08x}-{:02x}", n + 1),
                label: None,
            });
        }
    }
    Some(out)
}

/// Finds the partition whose table entry has this `PARTUUID` or
/// `PARTLABEL`, reading the tables of the disks in `/sys/block`.
pub fn find_partition(tag: &str, value: &str) -> Option<OsString> {
    let dir = std::fs::read_dir("/sys/block").ok()?;
    for disk in dir.flatten() {
        let name = disk.file_name();
        let Ok(mut f) = std::fs::File::open(format!("/dev/{}", name.to_string_lossy())) else {
            continue;
        };
        let parts = partitions(&mut f);
        let Some(p) = parts.iter().find(|p| match tag {
            "PARTUUID" => p.uuid.eq_ignore_ascii_case(value),
            "PARTLABEL" => p.label.as_deref() == Some(value),
            _ => false,
        }) else {
            continue;
        };
        // The partition's node: the subdirectory whose `partition` is N.
        for sub in std::fs::read_dir(disk.path()).ok()?.flatten() {
            let n = std::fs::read_to_string(sub.path().join("partition")).ok();
            if n.as_deref().map(str::trim) == Some(p.number.to_string().as_str()) {
                return Some(OsString::from(format!(
                    "/dev/{}",
                    sub.file_name().to_string_lossy()
                )));
            }
        }
    }
    None
}

/// Probes `path` unless it is a pseudo name (no `/`).
pub fn probe_source(path: &OsStr) -> Option<Superblock> {
    if !path.to_string_lossy().starts_with('/') {
        return None;
    }
    probe(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn img(size: usize, patches: &[(usize, &[u8])]) -> Cursor<Vec<u8>> {
        let mut v = vec![0u8; size];
        for (off, bytes) in patches {
            v[*off..*off + bytes.len()].copy_from_slice(bytes);
        }
        Cursor::new(v)
    }

    #[test]
    fn ext_variants() {
        let u: Vec<u8> = (1..=16).collect();
        let mut c = img(
            4096,
            &[
                (1024 + 0x38, &[0x53, 0xEF]),
                (1024 + 0x5C, &[4, 0, 0, 0]),
                (1024 + 0x68, &u),
                (1024 + 0x78, b"root"),
            ],
        );
        let sb = probe_bytes(&mut c).expect("ext3");
        assert_eq!(sb.fstype, "ext3");
        assert_eq!(sb.label.as_deref(), Some("root"));
        assert_eq!(
            sb.uuid.as_deref(),
            Some("01020304-0506-0708-090a-0b0c0d0e0f10")
        );
        let mut c = img(
            4096,
            &[
                (1024 + 0x38, &[0x53, 0xEF]),
                (1024 + 0x60, &[0x40, 0, 0, 0]),
            ],
        );
        assert_eq!(probe_bytes(&mut c).map(|s| s.fstype), Some("ext4"));
        let mut c = img(4096, &[(1024 + 0x38, &[0x53, 0xEF])]);
        let sb = probe_bytes(&mut c).expect("ext2");
        assert_eq!((sb.fstype, sb.label, sb.uuid), ("ext2", None, None));
    }

    #[test]
    fn xfs_btrfs_swap_vfat() {
        let mut c = img(4096, &[(0, b"XFSB"), (108, b"data"), (32, &[0xab; 16])]);
        let sb = probe_bytes(&mut c).expect("xfs");
        assert_eq!((sb.fstype, sb.label.as_deref()), ("xfs", Some("data")));
        let mut c = img(0x11000, &[(0x10040, b"_BHRfS_M"), (0x1012b, b"pool")]);
        let sb = probe_bytes(&mut c).expect("btrfs");
        assert_eq!((sb.fstype, sb.label.as_deref()), ("btrfs", Some("pool")));
        let mut c = img(
            8192,
            &[(4086, b"SWAPSPACE2"), (1052, b"sw"), (1036, &[1; 16])],
        );
        let sb = probe_bytes(&mut c).expect("swap");
        assert_eq!((sb.fstype, sb.usage), ("swap", "other"));
        assert_eq!(sb.label.as_deref(), Some("sw"));
        let mut c = img(
            1024,
            &[
                (11, &[0, 2]),
                (13, &[4]),
                (0x27, &[0x78, 0x56, 0x34, 0x12]),
                (0x2B, b"BOOT       "),
                (0x36, b"FAT16   "),
                (510, &[0x55, 0xAA]),
            ],
        );
        let sb = probe_bytes(&mut c).expect("vfat");
        assert_eq!(sb.fstype, "vfat");
        assert_eq!(sb.label.as_deref(), Some("BOOT"));
        assert_eq!(sb.uuid.as_deref(), Some("1234-5678"));
    }

    #[test]
    fn gpt_and_mbr_partition_entries() {
        let mut v = vec![0u8; 4096];
        v[512..520].copy_from_slice(b"EFI PART");
        v[512 + 72] = 2; // entries at LBA 2
        v[512 + 80] = 4; // 4 entries
        v[512 + 84] = 128; // of 128 bytes
        let e = 1024 + 128; // second entry
        v[e] = 1; // type GUID not zero
        v[e + 16..e + 32].copy_from_slice(&[
            0x78, 0x56, 0x34, 0x12, 0xbc, 0x9a, 0xf0, 0xde, 1, 2, 3, 4, 5, 6, 7, 8,
        ]);
        for (i, c) in "data".encode_utf16().enumerate() {
            v[e + 56 + 2 * i..e + 58 + 2 * i].copy_from_slice(&c.to_le_bytes());
        }
        let p = partitions(&mut Cursor::new(v));
        assert_eq!(
            p,
            [Partition {
                number: 2,
                uuid: "12345678-9abc-def0-0102-030405060708".into(),
                label: Some("data".into())
            }]
        );
        let mut v = vec![0u8; 512];
        v[440..444].copy_from_slice(&0xdeadbeefu32.to_le_bytes());
        v[446 + 16 + 4] = 0x83;
        v[510] = 0x55;
        v[511] = 0xAA;
        let p = partitions(&mut Cursor::new(v));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].uuid, "deadbeef-02");
    }

    #[test]
    fn short_or_empty_images_are_nothing() {
        assert_eq!(probe_bytes(&mut Cursor::new(vec![0u8; 100])), None);
        assert_eq!(probe_bytes(&mut Cursor::new(vec![0u8; 70000])), None);
    }
}
