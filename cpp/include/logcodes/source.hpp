// Sources: where bytes come from. Files are read with read()/pread() into the caller's buffer (never
// mmap: first-touched pages are expensive here), compressed input is streamed through its library
// decoder. Compression is detected from magic bytes, never from the file name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "logcodes/error.hpp"

namespace logcodes {

enum class Compression : std::uint8_t { none = 0, gzip, zstd };
std::string_view compression_name(Compression c) noexcept;
// Compression announced by the first bytes of a stream (needs up to 4 bytes; fewer means none).
Compression sniff_compression(std::string_view head) noexcept;

class Source {
public:
    virtual ~Source() = default;
    // Reads up to `cap` bytes of (decoded) data into `dst`. Returns the count; 0 means the end of the
    // stream or an error — check error() to tell which.
    virtual std::size_t read(char* dst, std::size_t cap) = 0;
    // Bytes consumed from the underlying file so far (compressed bytes for compressed input): progress.
    virtual std::uint64_t raw_position() const noexcept = 0;
    const Error& error() const noexcept { return error_; }
    // Packets read and skipped, for captures (zero for other sources).
    virtual std::uint64_t packets() const noexcept { return 0; }
    virtual std::uint64_t skipped_packets() const noexcept { return 0; }
    // Captures: IP fragment sets and TCP flows dropped to keep the reassembly tables within their bounds.
    virtual std::uint64_t evictions() const noexcept { return 0; }
    // Decoders: decode a new stream read from `raw`, keeping the buffers and decoder state allocated for the
    // last one (first-touched pages are expensive here). False when this source cannot (it is left as it was).
    virtual bool restart(std::unique_ptr<Source>& raw) { (void)raw; return false; }

protected:
    Error error_;
};

// Inputs that are not local files — objects in S3, GCS or Azure, resources on an HTTP server — are named by
// URLs ("scheme://...") and read with positioned reads through an opener the embedding program registers
// (the Python package adapts fsspec to it). The core stays free of any client library: it sees byte ranges.
class RemoteObject {
public:
    virtual ~RemoteObject() = default;
    // Reads up to `cap` bytes at `offset` into `dst`: the count, 0 at the end. On failure returns 0 with
    // `err` set (kind, message; the caller fills path and offset). Called from several threads at once.
    virtual std::size_t read_at(std::uint64_t offset, char* dst, std::size_t cap, Error& err) = 0;
};

class RemoteOpener {
public:
    virtual ~RemoteOpener() = default;
    // The object `url` names and its size; on failure nullptr with `err` set (not_found, permission, io).
    virtual std::shared_ptr<RemoteObject> open(const std::string& url, std::uint64_t& size, Error& err) = 0;
};

// Sets the process's opener of URLs (nullptr: none; a URL then fails to open with a clear error).
void set_remote_opener(std::shared_ptr<RemoteOpener> opener);
// "scheme://..." with a scheme of letters, digits, '+', '-' or '.': read through the remote opener.
bool is_remote_path(std::string_view path) noexcept;
// Bytes asked of a remote object per request (a few MiB: one round trip per request dominates otherwise).
inline constexpr std::size_t kRemoteChunk = 8u << 20;

struct InputInfo {
    std::string path;                  // as given; "-" is standard input
    bool is_stdin = false;
    bool is_regular = false;           // a regular file: can be split into ranges and read with pread
    std::uint64_t size = 0;            // file size (0 when unknown: pipes, stdin)
    Compression compression = Compression::none;
    bool capture = false;              // a pcap/pcapng file (possibly compressed): read as a SIP trace
    std::shared_ptr<RemoteObject> remote;  // a URL's object, opened by probe_input (null: a local file)
};

// Checks that `path` can be read and finds its size and compression. Never throws.
Error probe_input(const std::string& path, InputInfo& info);

// Opens the whole input, decoded. On failure returns nullptr and fills `err`.
std::unique_ptr<Source> open_input(const InputInfo& info, Error& err);

// How a compressed regular file may be decoded on several threads (see compressed_pieces.hpp).
struct ParallelDecoding {
    unsigned threads = 1;               // decoding threads; 1 decodes on the reading thread
    std::size_t block = 1u << 20;       // bytes handed over at a time
    std::uint64_t piece = 1u << 20;     // compressed bytes a piece aims at (whole frames / members)
};
// As above; a compressed regular file is decoded in pieces on `decoding.threads` threads when it can be cut
// (multi-member gzip, BGZF, multi-frame zstd). The bytes read are the same in every case.
std::unique_ptr<Source> open_input(const InputInfo& info, Error& err, const ParallelDecoding& decoding);

// The decoder of `c` over the compressed bytes `raw` (errors name `path`); `raw` itself when c is none.
std::unique_ptr<Source> open_decoder(Compression c, std::unique_ptr<Source> raw, const std::string& path);
// The message of a stream of `c` that ends inside a member or frame after `decoded` decoded bytes.
std::string truncation_message(Compression c, std::uint64_t decoded);

// Opens the byte range [begin, end) of an uncompressed regular file, read with pread().
// `end` may lie beyond the file's end (reads stop at end of file).
std::unique_ptr<Source> open_file_range(const InputInfo& info, std::uint64_t begin, std::uint64_t end,
                                        Error& err);

// A regular file held open for the range readers of one scan. They share its descriptor (pread() keeps no
// position), so a file deleted or renamed (rotated) while it is scanned is still read to its end.
class OpenFile {
public:
    OpenFile() = default;
    explicit OpenFile(int fd) noexcept : fd_(fd) {}
    explicit OpenFile(std::shared_ptr<RemoteObject> remote) noexcept : remote_(std::move(remote)) {}
    OpenFile(OpenFile&& other) noexcept : fd_(other.fd_), remote_(std::move(other.remote_)) { other.fd_ = -1; }
    OpenFile& operator=(OpenFile&& other) noexcept;
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;
    ~OpenFile();
    bool is_open() const noexcept { return fd_ >= 0 || remote_ != nullptr; }
    int fd() const noexcept { return fd_; }
    const std::shared_ptr<RemoteObject>& remote() const noexcept { return remote_; }
    // Reads up to `cap` bytes at `offset` (pread() or the remote object): the count, or -1 on failure.
    std::int64_t read_at(std::uint64_t offset, char* dst, std::size_t cap) const noexcept;

private:
    int fd_ = -1;
    std::shared_ptr<RemoteObject> remote_;
};

// Opens the input `info` describes (probed: a remote object is already open) for positioned reads; on
// failure the result is not open and `err` says why.
OpenFile open_file(const InputInfo& info, Error& err);
// Opens `path` (a local file or a URL) for positioned reads.
OpenFile open_file(const std::string& path, Error& err);

// The byte range [begin, end) of an open regular file, read with pread(); `path` names it in errors.
// `expect_end`: where the reader expects to stop (it may read on to finish a line): a remote object is read
// past it in small requests rather than whole chunks.
std::unique_ptr<Source> open_file_range(const OpenFile& file, const std::string& path, std::uint64_t begin,
                                        std::uint64_t end, std::uint64_t expect_end = UINT64_MAX);

// Reads up to `cap` bytes of the decoded start of an input (used to sample for format detection).
Error read_head(const InputInfo& info, std::size_t cap, std::string& out);

}  // namespace logcodes
