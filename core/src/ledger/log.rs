//! The block log format: blocks appended to a file, one framed record each, so that a crash
//! at any byte leaves every complete block readable. The host does the file I/O; this module
//! only frames and unframes bytes.
//!
//! A record is `"FBL1" || length (u32, big-endian) || block bytes || SHA-256(block bytes)`.
//! Reading stops at the first record that is incomplete or whose checksum fails, and reports
//! the offset where the intact prefix ends and what follows it: nothing, a torn tail (the last
//! record cut short by a crash, or its final bytes never written and read back as zeros; the
//! host truncates it and appends again), or damage (the host must not truncate: a complete
//! record whose checksum fails is a block that was written, and cutting it would lose it).

use super::block::{Block, MAX_BLOCK_LEN};
use crate::digest::Digest;
use crate::error::{Error, ErrorCode, Result};

const MAGIC: &[u8; 4] = b"FBL1";

/// Frame one block for appending.
pub fn frame(block: &Block) -> Result<Vec<u8>> {
    let body = block.encode()?;
    let len = u32::try_from(body.len()).map_err(|_| Error::new(ErrorCode::TooLarge, "block too large to frame"))?;
    let mut out = Vec::with_capacity(body.len() + 40);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&body);
    out.extend_from_slice(Digest::sha256(&body).as_bytes());
    Ok(out)
}

/// What follows the intact prefix of a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tail {
    /// Nothing: the log ends with a complete record.
    Clean,
    /// The last record is cut short, or its checksum was never written (zeros): safe to
    /// truncate.
    Torn,
    /// A damaged record: a complete record whose checksum fails, or one with more data after
    /// it. Not a crash; do not truncate.
    Corrupt,
}

/// What a log holds.
#[derive(Debug)]
pub struct LogContents {
    /// Every complete block, in order.
    pub blocks: Vec<Block>,
    /// The length of the intact prefix.
    pub valid_len: usize,
    /// What follows it.
    pub tail: Tail,
}

/// Read a log: every complete, intact block, and where the intact prefix ends. A record that
/// is complete and intact but does not decode as a block is an error (not a torn write).
pub fn read(bytes: &[u8]) -> Result<LogContents> {
    let mut blocks = Vec::new();
    let mut pos = 0usize;
    let mut tail = Tail::Clean;
    while let Some(rest) = bytes.get(pos..) {
        if rest.is_empty() {
            break;
        }
        // A record that starts here: torn if the file ends inside it, corrupt if it is damaged
        // and more data follows it.
        let magic_ok = rest.iter().zip(MAGIC).all(|(a, b)| a == b);
        let Some(len) = rest.get(4..8).and_then(|l| <[u8; 4]>::try_from(l).ok()).map(|l| u32::from_be_bytes(l) as usize) else {
            tail = if magic_ok { Tail::Torn } else { Tail::Corrupt };
            break;
        };
        if !magic_ok || len > MAX_BLOCK_LEN {
            tail = Tail::Corrupt;
            break;
        }
        let end = 8 + len + 32;
        let (Some(body), Some(sum)) = (rest.get(8..8 + len), rest.get(8 + len..end)) else {
            tail = Tail::Torn;
            break;
        };
        if Digest::sha256(body).as_bytes().as_slice() != sum {
            // Only a last record whose checksum reads as zeros is a write that never finished
            // (the file grew before its final page reached the disk); any other mismatch is
            // damage to a block that was written.
            let unwritten = rest.len() == end && sum.iter().all(|&b| b == 0);
            tail = if unwritten { Tail::Torn } else { Tail::Corrupt };
            break;
        }
        blocks.push(Block::decode(body)?);
        pos += end;
    }
    Ok(LogContents { blocks, valid_len: pos, tail })
}
