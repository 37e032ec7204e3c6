//! Reader for IDX files (the format MNIST and Fashion-MNIST ship in), raw or gzip-compressed.
//!
//! Everything in the header is checked against the bytes actually present before any buffer of
//! the claimed size is allocated, so a corrupt or hostile header yields a message, not an abort.

use std::io::Read;

use crate::error::{invalid, Result};

/// IDX type code for unsigned bytes, the only element type these data sets use.
const UBYTE: u8 = 0x08;
/// No real image file is larger; a header claiming more is refused before reading on.
pub const MAX_PAYLOAD_BYTES: usize = 512 << 20;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// A parsed IDX array of unsigned bytes: its dimensions and its data in row-major order.
#[derive(Debug, Clone, PartialEq)]
pub struct IdxArray {
    pub dims: Vec<usize>,
    pub data: Vec<u8>,
}

/// Parses an IDX file with `expected_rank` dimensions (3 for images, 1 for labels).
/// `what` names the file in messages ("images", "labels").
pub fn parse(bytes: &[u8], expected_rank: usize, what: &str) -> Result<IdxArray> {
    if bytes.starts_with(&GZIP_MAGIC) {
        let mut reader = flate2::read::GzDecoder::new(bytes);
        parse_stream(&mut reader, expected_rank, what)
    } else {
        parse_stream(&mut &bytes[..], expected_rank, what)
    }
}

/// The dimensions an IDX file's header declares (images: n, rows, cols; labels: n), read without
/// the data: enough to tell images from labels and pair them. The data is checked by [`parse`].
pub fn dims(bytes: &[u8], what: &str) -> Result<Vec<usize>> {
    if bytes.starts_with(&GZIP_MAGIC) {
        read_header(&mut flate2::read::GzDecoder::new(bytes), what)
    } else {
        read_header(&mut &bytes[..], what)
    }
}

fn parse_stream(reader: &mut dyn Read, expected_rank: usize, what: &str) -> Result<IdxArray> {
    let dims = read_header(reader, what)?;
    if dims.len() != expected_rank {
        invalid!("{what}: IDX file has {} dimensions, expected {expected_rank}", dims.len());
    }
    let payload = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    let payload = match payload {
        Some(n) if n <= MAX_PAYLOAD_BYTES => n,
        _ => invalid!("{what}: header claims dimensions {dims:?}, more than the {} MiB limit",
            MAX_PAYLOAD_BYTES >> 20),
    };
    // Read through a bounded adaptor: a short file is found before the full buffer is grown.
    let mut data = Vec::new();
    reader.take(payload as u64).read_to_end(&mut data).map_err(|e| io_message(what, e))?;
    if data.len() < payload {
        invalid!("{what}: truncated: header promises {payload} bytes of data ({dims:?}), file has {}", data.len());
    }
    let mut extra = [0u8; 1];
    if reader.read(&mut extra).map_err(|e| io_message(what, e))? != 0 {
        invalid!("{what}: has bytes beyond the {payload} its header declares ({dims:?})");
    }
    Ok(IdxArray { dims, data })
}

fn read_header(reader: &mut dyn Read, what: &str) -> Result<Vec<usize>> {
    let mut magic = [0u8; 4];
    read_exact(reader, &mut magic, what, "its 4-byte magic number")?;
    if magic[0] != 0 || magic[1] != 0 {
        invalid!("{what}: not an IDX file (magic number {:02x}{:02x}{:02x}{:02x} should start 0000)",
            magic[0], magic[1], magic[2], magic[3]);
    }
    if magic[2] != UBYTE {
        invalid!("{what}: IDX element type 0x{:02x} is not supported (only unsigned bytes, 0x08)", magic[2]);
    }
    let rank = magic[3] as usize;
    if !(1..=3).contains(&rank) {
        invalid!("{what}: IDX file has {rank} dimensions; images have 3 and labels 1");
    }
    let mut dims = Vec::with_capacity(rank);
    for i in 0..rank {
        let mut d = [0u8; 4];
        read_exact(reader, &mut d, what, &format!("dimension {i} of the header"))?;
        dims.push(u32::from_be_bytes(d) as usize);
    }
    Ok(dims)
}

fn read_exact(reader: &mut dyn Read, buf: &mut [u8], what: &str, part: &str) -> Result<()> {
    reader.read_exact(buf).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => format!("{what}: file ends before {part}").into(),
        _ => io_message(what, e),
    })
}

fn io_message(what: &str, e: std::io::Error) -> crate::error::LabError {
    format!("{what}: cannot be read ({e}); is it a damaged gzip file?").into()
}

/// Writes an IDX array of unsigned bytes (used by tests and tools that produce data files).
pub fn encode(dims: &[usize], data: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, UBYTE, dims.len() as u8];
    for &d in dims {
        out.extend_from_slice(&(d as u32).to_be_bytes());
    }
    out.extend_from_slice(data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn round_trips_raw_and_gzip() {
        let data: Vec<u8> = (0..2 * 3 * 4).map(|i| i as u8).collect();
        let raw = encode(&[2, 3, 4], &data);
        let want = IdxArray { dims: vec![2, 3, 4], data };
        assert_eq!(parse(&raw, 3, "images").unwrap(), want);
        assert_eq!(parse(&gzip(&raw), 3, "images").unwrap(), want);
    }

    fn err(bytes: &[u8], rank: usize) -> String {
        parse(bytes, rank, "images").unwrap_err().to_string()
    }

    #[test]
    fn bad_headers_are_named() {
        assert!(err(&[], 3).contains("ends before its 4-byte magic"));
        assert!(err(&[1, 2, 8, 3], 3).contains("not an IDX file"));
        assert!(err(&[0, 0, 0x0d, 3], 3).contains("element type 0x0d"));
        assert!(err(&encode(&[4], &[0; 4]), 3).contains("has 1 dimensions, expected 3"));
        assert!(err(&[0, 0, 8, 3, 0, 0, 0, 1], 3).contains("ends before dimension 1"));
    }

    #[test]
    fn huge_claims_and_size_mismatches_are_refused_without_allocating() {
        let huge = encode(&[0xFFFF_FFFF, 28, 28], &[0; 10]);
        assert!(err(&huge, 3).contains("MiB limit"));
        let short = encode(&[2, 2, 2], &[0; 7]);
        assert!(err(&short, 3).contains("truncated"));
        let long = encode(&[2, 2, 2], &[0; 9]);
        assert!(err(&long, 3).contains("beyond the 8"));
        let mut cut_gzip = gzip(&encode(&[2, 2, 2], &[7; 8]));
        cut_gzip.truncate(cut_gzip.len() - 12);
        assert!(!err(&cut_gzip, 3).is_empty());
    }

    #[test]
    fn dims_reads_only_the_header_of_raw_and_gzip_files() {
        let raw = encode(&[5, 2, 3], &[1; 30]);
        assert_eq!(dims(&raw, "a").unwrap(), vec![5, 2, 3]);
        assert_eq!(dims(&gzip(&encode(&[7], &[0; 7])), "b").unwrap(), vec![7]);
        // A header alone is enough: the data is checked when the file is parsed.
        assert_eq!(dims(&raw[..16], "a").unwrap(), vec![5, 2, 3]);
        assert!(dims(b"hello, world", "notes.txt").unwrap_err().to_string().starts_with("notes.txt: not an IDX file"));
        assert!(dims(&[0, 0, 8, 4, 0, 0, 0, 1], "x").unwrap_err().to_string().contains("4 dimensions"));
    }
}
