// Compressed files decoded in pieces on several threads. A piece is a run of whole zstd frames or gzip members,
// so it decodes on its own: multi-frame zstd (pzstd, `zstd` of concatenated frames, seekable zstd) is cut where
// ZSTD_findFrameCompressedSize says a frame ends; gzip at member starts (BGZF members by their BSIZE field,
// concatenated members where a member header is plausible, confirmed when the piece before it decodes to a
// member end exactly there). A stream that cannot be cut (one zstd frame, one gzip member, a member larger
// than the search window) is one piece: it decodes on one thread, ahead of the reader.
//
// The bytes read, and every error (the truncation of a cut file with its offset and decoded count), are the
// same as the one-thread decoder's: pieces are handed over in file order, and a piece cut at a false member
// start falls back to one decoder from the last sure start.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "logcodes/source.hpp"

namespace logcodes {

// Bytes of the whole zstd frames (skippable ones too) at the start of data[0, size): stops after the first
// frame ending at or past `want`, before a frame that is incomplete or invalid, or at `size`.
std::size_t zstd_whole_frames(const unsigned char* data, std::size_t size, std::size_t want) noexcept;

// Whether data[0, size) starts like a gzip member as gzip, pigz, igzip, bgzip and zlib write one: the magic,
// deflate, no reserved flag, a known XFL and OS.
bool plausible_gzip_member(const unsigned char* data, std::size_t size) noexcept;
// The size of the BGZF member starting at data (its BSIZE field + 1), or 0 when it is none.
std::size_t bgzf_member_size(const unsigned char* data, std::size_t size) noexcept;
// Where a piece of gzip starting at data[0] (a member start) may end: the first plausible member start at or
// past `want`, else the last one found before `size`, else 0.
std::size_t gzip_piece_end(const unsigned char* data, std::size_t size, std::size_t want) noexcept;

// The decoded bytes of a compressed regular file, decoded in pieces by `decoding.threads` threads.
std::unique_ptr<Source> open_parallel_decoder(const InputInfo& info, const ParallelDecoding& decoding, Error& err);

}  // namespace logcodes
