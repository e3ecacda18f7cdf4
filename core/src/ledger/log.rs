//! The block log format: blocks appended to a file, one framed record each, so that a crash
//! at any byte leaves every complete block readable. The host does the file I/O; this module
//! only frames and unframes bytes.
//!
//! A record is `"FBL1" || length (u32, big-endian) || block bytes || SHA-256(block bytes)`.
//! Reading stops at the first record that is incomplete or whose checksum fails, and reports
//! the offset where the intact prefix ends, so the host can truncate the torn tail and append
//! again.

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

/// What a log holds.
#[derive(Debug)]
pub struct LogContents {
    /// Every complete block, in order.
    pub blocks: Vec<Block>,
    /// The length of the intact prefix; bytes after it are a torn or corrupt tail.
    pub valid_len: usize,
}

/// Read a log: every complete, intact block, and where the intact prefix ends. A record that
/// is complete and intact but does not decode as a block is an error (not a torn write).
pub fn read(bytes: &[u8]) -> Result<LogContents> {
    let mut blocks = Vec::new();
    let mut pos = 0usize;
    while let Some(rest) = bytes.get(pos..) {
        let (Some(magic), Some(len)) = (rest.get(..4), rest.get(4..8)) else { break };
        if magic != MAGIC {
            break;
        }
        let Ok(len) = <[u8; 4]>::try_from(len) else { break };
        let len = u32::from_be_bytes(len) as usize;
        if len > MAX_BLOCK_LEN {
            break;
        }
        let (Some(body), Some(sum)) = (rest.get(8..8 + len), rest.get(8 + len..8 + len + 32)) else { break };
        if Digest::sha256(body).as_bytes().as_slice() != sum {
            break;
        }
        blocks.push(Block::decode(body)?);
        pos += 8 + len + 32;
    }
    Ok(LogContents { blocks, valid_len: pos })
}
