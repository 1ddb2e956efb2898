#include "logcodes/source.hpp"

#include "logcodes/compressed_pieces.hpp"
#include "logcodes/pcap_source.hpp"
#include "logcodes/read_ahead.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#ifdef LOGCODES_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <vector>

namespace logcodes {

std::string_view compression_name(Compression c) noexcept {
    switch (c) {
        case Compression::none: return "none";
        case Compression::gzip: return "gzip";
        case Compression::zstd: return "zstd";
    }
    return "none";
}

std::string truncation_message(Compression c, std::uint64_t decoded) {
    const std::string n = std::to_string(decoded);
    if (c == Compression::zstd) return "zstd stream is truncated: the file ends inside a frame after " + n + " decoded bytes";
    return "gzip stream is truncated: the file ends inside a gzip member after " + n + " decoded bytes";
}

Compression sniff_compression(std::string_view head) noexcept {
    const auto* b = reinterpret_cast<const unsigned char*>(head.data());
    if (head.size() >= 2 && b[0] == 0x1f && b[1] == 0x8b) return Compression::gzip;
    if (head.size() >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) return Compression::zstd;
    // A skippable frame (magic 0x184D2A50..5F) first, as pzstd writes one before its frames.
    if (head.size() >= 4 && (b[0] & 0xf0) == 0x50 && b[1] == 0x2a && b[2] == 0x4d && b[3] == 0x18) return Compression::zstd;
    return Compression::none;
}

namespace {

constexpr std::size_t kRawBufferSize = 256 * 1024;

Error errno_error(int err, const std::string& path, std::uint64_t offset) {
    Error e;
    e.path = path;
    e.offset = offset;
    switch (err) {
        case ENOENT: case ENOTDIR: case ELOOP: e.kind = ErrorKind::not_found; break;
        case EISDIR: e.kind = ErrorKind::is_directory; break;
        case EACCES: case EPERM: e.kind = ErrorKind::permission; break;
        default: e.kind = ErrorKind::io; break;
    }
    e.message = std::strerror(err);
    return e;
}

// Reads a file descriptor sequentially (read()) or a range of it (pread()).
class FdSource final : public Source {
public:
    FdSource(int fd, bool owns, std::string path, std::uint64_t begin, std::uint64_t end, bool positional)
        : fd_(fd), owns_(owns), path_(std::move(path)), pos_(begin), end_(end), positional_(positional) {}
    ~FdSource() override {
        if (owns_ && fd_ >= 0) ::close(fd_);
    }
    FdSource(const FdSource&) = delete;
    FdSource& operator=(const FdSource&) = delete;

    std::size_t read(char* dst, std::size_t cap) override {
        if (error_ || pos_ >= end_) return 0;
        cap = static_cast<std::size_t>(std::min<std::uint64_t>(cap, end_ - pos_));
        for (;;) {
            const ssize_t n = positional_ ? ::pread(fd_, dst, cap, static_cast<off_t>(pos_)) : ::read(fd_, dst, cap);
            if (n >= 0) {
                pos_ += static_cast<std::uint64_t>(n);
                if (n == 0) end_ = pos_;
                return static_cast<std::size_t>(n);
            }
            if (errno == EINTR) continue;
            error_ = errno_error(errno, path_, pos_);
            error_.message = "read failed: " + error_.message;
            return 0;
        }
    }
    std::uint64_t raw_position() const noexcept override { return pos_; }

private:
    int fd_;
    bool owns_;
    std::string path_;
    std::uint64_t pos_;
    std::uint64_t end_;
    bool positional_;
};

std::mutex remote_mu;
std::shared_ptr<RemoteOpener> remote_opener;  // guarded by remote_mu

// Fills in what a remote object's error lacks: the URL and the offset of the read that failed.
Error remote_error(Error err, const std::string& path, std::uint64_t offset) {
    if (!err) err.kind = ErrorKind::io;
    err.path = path;
    err.offset = offset;
    return err;
}

// A remote object read front to back (or a range of it), in requests of kRemoteChunk bytes whatever the
// caller's buffer: a round trip costs more than copying a few MiB.
class RemoteSource final : public Source {
public:
    RemoteSource(std::shared_ptr<RemoteObject> object, std::string path, std::uint64_t begin, std::uint64_t end,
                 std::uint64_t expect_end = UINT64_MAX)
        : object_(std::move(object)), path_(std::move(path)), pos_(begin), fetched_(begin), end_(end),
          expect_end_(expect_end) {}

    std::size_t read(char* dst, std::size_t cap) override {
        if (error_) return 0;
        if (at_ == buf_.size()) {
            if (fetched_ >= end_) return 0;
            // Up to where the reader expects to stop in whole chunks, past it (the end of a line) in small ones.
            const std::uint64_t chunk = fetched_ < expect_end_ ? std::min<std::uint64_t>(kRemoteChunk, expect_end_ - fetched_)
                                                               : kRemoteTail;
            const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, end_ - fetched_));
            buf_.resize(want);
            Error err;
            const std::size_t n = object_->read_at(fetched_, buf_.data(), want, err);
            if (err) {
                error_ = remote_error(std::move(err), path_, fetched_);
                buf_.clear();
                at_ = 0;
                return 0;
            }
            buf_.resize(n);
            at_ = 0;
            fetched_ += n;
            if (n == 0) {
                end_ = fetched_;
                return 0;
            }
        }
        const std::size_t n = std::min(cap, buf_.size() - at_);
        std::memcpy(dst, buf_.data() + at_, n);
        at_ += n;
        pos_ += n;
        return n;
    }
    std::uint64_t raw_position() const noexcept override { return pos_; }

private:
    std::shared_ptr<RemoteObject> object_;
    std::string path_;
    std::uint64_t pos_;      // bytes handed out
    std::uint64_t fetched_;  // bytes asked of the object
    std::uint64_t end_;
    std::uint64_t expect_end_;
    std::vector<char> buf_;
    std::size_t at_ = 0;
    static constexpr std::uint64_t kRemoteTail = 64 * 1024;
};

// Base of the decoders: owns the compressed-side buffer and the file reader.
class DecoderSource : public Source {
protected:
    explicit DecoderSource(std::unique_ptr<Source> raw, std::string path)
        : raw_(std::move(raw)), path_(std::move(path)), in_(kRawBufferSize) {}

    // Refills the input buffer when empty; returns false at the end of the file (or on error).
    bool refill() {
        if (in_pos_ < in_len_) return true;
        in_pos_ = 0;
        in_len_ = raw_->read(in_.data(), in_.size());
        if (in_len_ == 0 && raw_->error()) error_ = raw_->error();
        return in_len_ > 0;
    }
    std::uint64_t consumed() const noexcept { return raw_->raw_position() - (in_len_ - in_pos_); }
    void fail(ErrorKind kind, std::string message) {
        error_.kind = kind;
        error_.path = path_;
        error_.offset = consumed();
        error_.message = std::move(message);
    }

public:
    std::uint64_t raw_position() const noexcept override { return raw_->raw_position(); }
    bool restart(std::unique_ptr<Source>& raw) override {
        if (!reset_stream()) return false;
        raw_ = std::move(raw);
        in_pos_ = in_len_ = 0;
        out_total_ = 0;
        error_ = Error{};
        return true;
    }

protected:
    // Makes the decoder ready for a new stream; false when it cannot be reused.
    virtual bool reset_stream() = 0;

protected:
    std::unique_ptr<Source> raw_;
    std::string path_;
    std::vector<char> in_;
    std::size_t in_pos_ = 0;
    std::size_t in_len_ = 0;
    std::uint64_t out_total_ = 0;  // decoded bytes produced, for error messages
};

// gzip, including files of several concatenated members (as written by `cat a.gz b.gz`, pigz, logrotate).
class GzipSource final : public DecoderSource {
public:
    GzipSource(std::unique_ptr<Source> raw, std::string path) : DecoderSource(std::move(raw), std::move(path)) {
        std::memset(&zs_, 0, sizeof zs_);
        ok_ = inflateInit2(&zs_, 15 + 16) == Z_OK;
        if (!ok_) fail(ErrorKind::io, "cannot initialise the gzip decoder");
    }
    ~GzipSource() override {
        if (ok_) inflateEnd(&zs_);
    }
    GzipSource(const GzipSource&) = delete;
    GzipSource& operator=(const GzipSource&) = delete;

    std::size_t read(char* dst, std::size_t cap) override {
        if (error_ || done_) return 0;
        zs_.next_out = reinterpret_cast<Bytef*>(dst);
        zs_.avail_out = static_cast<uInt>(std::min<std::size_t>(cap, 1u << 30));
        while (zs_.avail_out > 0) {
            if (in_pos_ >= in_len_ && !refill()) {
                if (error_) break;
                if (in_member_) {
                    // The decoder may still hold output it could not hand over: drain it first.
                    zs_.next_in = nullptr;
                    zs_.avail_in = 0;
                    const uInt before = zs_.avail_out;
                    const int rc = inflate(&zs_, Z_NO_FLUSH);
                    if (rc == Z_STREAM_END) {
                        in_member_ = false;
                        continue;
                    }
                    if (zs_.avail_out != before && (rc == Z_OK || rc == Z_BUF_ERROR)) continue;
                    fail(ErrorKind::truncated, truncation_message(Compression::gzip, out_total_ + produced(dst)));
                } else {
                    done_ = true;
                }
                break;
            }
            if (!in_member_) {
                // Between members: another member must start with the gzip magic; zero padding is tolerated.
                const auto* b = reinterpret_cast<const unsigned char*>(in_.data() + in_pos_);
                if (b[0] == 0) { ++in_pos_; continue; }
                if (b[0] != 0x1f) {
                    fail(ErrorKind::corrupt, "unexpected data after the end of a gzip member");
                    break;
                }
                inflateReset(&zs_);
                in_member_ = true;
            }
            zs_.next_in = reinterpret_cast<Bytef*>(in_.data() + in_pos_);
            zs_.avail_in = static_cast<uInt>(in_len_ - in_pos_);
            const int rc = inflate(&zs_, Z_NO_FLUSH);
            in_pos_ = in_len_ - zs_.avail_in;
            if (rc == Z_STREAM_END) {
                in_member_ = false;
            } else if (rc == Z_BUF_ERROR) {
                continue;  // needs more input
            } else if (rc != Z_OK) {
                fail(ErrorKind::corrupt, std::string("gzip data is corrupt: ") + (zs_.msg ? zs_.msg : "inflate error"));
                break;
            }
        }
        const std::size_t n = produced(dst);
        out_total_ += n;
        return n;
    }

private:
    bool reset_stream() override {
        if (!ok_ || inflateReset(&zs_) != Z_OK) return false;
        in_member_ = done_ = false;
        return true;
    }
    std::size_t produced(const char* dst) const noexcept {
        return static_cast<std::size_t>(reinterpret_cast<const char*>(zs_.next_out) - dst);
    }
    z_stream zs_;
    bool ok_ = false;
    bool in_member_ = false;
    bool done_ = false;
};


#ifdef LOGCODES_HAVE_ISAL
// gzip through ISA-L's igzip: the same stream semantics as GzipSource, 2-3x faster to decode.
class IsalGzipSource final : public DecoderSource {
public:
    IsalGzipSource(std::unique_ptr<Source> raw, std::string path)
        : DecoderSource(std::move(raw), std::move(path)), state_(std::make_unique<inflate_state>()) {
        start_member();
        in_member_ = false;
    }

    std::size_t read(char* dst, std::size_t cap) override {
        if (error_ || done_) return 0;
        state_->next_out = reinterpret_cast<std::uint8_t*>(dst);
        state_->avail_out = static_cast<std::uint32_t>(std::min<std::size_t>(cap, 1u << 30));
        while (state_->avail_out > 0) {
            if (in_pos_ >= in_len_ && !refill()) {
                if (error_) break;
                if (in_member_) {
                    // igzip may still hold decoded bytes it could not hand over: drain them first.
                    state_->next_in = nullptr;
                    state_->avail_in = 0;
                    const std::uint32_t before = state_->avail_out;
                    const int rc = isal_inflate(state_.get());
                    if (rc >= 0 && state_->block_state == ISAL_BLOCK_FINISH) {
                        in_member_ = false;
                        continue;
                    }
                    if (rc >= 0 && state_->avail_out != before) continue;
                    fail(ErrorKind::truncated, truncation_message(Compression::gzip, out_total_ + produced(dst)));
                } else {
                    done_ = true;
                }
                break;
            }
            if (!in_member_) {
                const auto* b = reinterpret_cast<const unsigned char*>(in_.data() + in_pos_);
                if (b[0] == 0) { ++in_pos_; continue; }  // zero padding between members
                if (b[0] != 0x1f) {
                    fail(ErrorKind::corrupt, "unexpected data after the end of a gzip member");
                    break;
                }
                start_member();
            }
            state_->next_in = reinterpret_cast<std::uint8_t*>(in_.data() + in_pos_);
            state_->avail_in = static_cast<std::uint32_t>(in_len_ - in_pos_);
            const int rc = isal_inflate(state_.get());
            in_pos_ = in_len_ - state_->avail_in;
            if (rc < 0) {
                fail(ErrorKind::corrupt, "gzip data is corrupt (igzip error " + std::to_string(rc) + ")");
                break;
            }
            if (state_->block_state == ISAL_BLOCK_FINISH) in_member_ = false;
        }
        const std::size_t n = produced(dst);
        out_total_ += n;
        return n;
    }

private:
    bool reset_stream() override {
        in_member_ = done_ = false;  // the next member initialises the state
        return true;
    }
    void start_member() {
        // Initialising clears the whole state, output window included: keep the caller's window.
        std::uint8_t* next_out = state_->next_out;
        const std::uint32_t avail_out = state_->avail_out;
        isal_inflate_init(state_.get());
        state_->crc_flag = ISAL_GZIP;  // parse the gzip header and check the trailer
        state_->next_out = next_out;
        state_->avail_out = avail_out;
        in_member_ = true;
    }
    std::size_t produced(const char* dst) const noexcept {
        return static_cast<std::size_t>(reinterpret_cast<const char*>(state_->next_out) - dst);
    }
    std::unique_ptr<inflate_state> state_;
    bool in_member_ = false;
    bool done_ = false;
};
#endif

class ZstdSource final : public DecoderSource {
public:
    ZstdSource(std::unique_ptr<Source> raw, std::string path)
        : DecoderSource(std::move(raw), std::move(path)), dctx_(ZSTD_createDCtx()) {
        if (!dctx_) fail(ErrorKind::io, "cannot initialise the zstd decoder");
    }
    ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }
    ZstdSource(const ZstdSource&) = delete;
    ZstdSource& operator=(const ZstdSource&) = delete;

    std::size_t read(char* dst, std::size_t cap) override {
        if (error_ || done_) return 0;
        ZSTD_outBuffer out{dst, cap, 0};
        while (out.pos < out.size) {
            if (in_pos_ >= in_len_ && !flushing_ && !refill()) {
                if (error_) break;
                if (frame_open_) {
                    // The decoder may still hold decoded bytes: drain them before calling the frame cut.
                    ZSTD_inBuffer none{nullptr, 0, 0};
                    const std::size_t before = out.pos;
                    const std::size_t rc = ZSTD_decompressStream(dctx_, &out, &none);
                    if (!ZSTD_isError(rc)) {
                        if (rc == 0) frame_open_ = false;
                        if (out.pos != before || !frame_open_) continue;
                    }
                    fail(ErrorKind::truncated, truncation_message(Compression::zstd, out_total_ + out.pos));
                } else {
                    done_ = true;
                }
                break;
            }
            ZSTD_inBuffer in{in_.data(), in_len_, in_pos_};
            const std::size_t out_before = out.pos;
            const std::size_t rc = ZSTD_decompressStream(dctx_, &out, &in);
            const bool moved = in.pos != in_pos_ || out.pos != out_before;
            in_pos_ = in.pos;
            if (ZSTD_isError(rc)) {
                fail(ErrorKind::corrupt, std::string("zstd data is corrupt: ") + ZSTD_getErrorName(rc));
                break;
            }
            // 0: a frame ended. Otherwise a frame is open only if this call did something: between frames
            // zstd also answers nonzero (the size of the next frame header it would like).
            if (rc == 0) frame_open_ = false;
            else if (moved) frame_open_ = true;
            // The decoder may hold decoded bytes that did not fit: call again before reading more input.
            flushing_ = out.pos == out.size;
        }
        out_total_ += out.pos;
        return out.pos;
    }

private:
    bool reset_stream() override {
        if (!dctx_ || ZSTD_isError(ZSTD_DCtx_reset(dctx_, ZSTD_reset_session_only))) return false;
        frame_open_ = flushing_ = done_ = false;
        return true;
    }
    ZSTD_DCtx* dctx_;
    bool frame_open_ = false;
    bool flushing_ = false;
    bool done_ = false;
};

// A source that first returns bytes already read (the sniffed head of a pipe), then the rest.
class PrefixedSource final : public Source {
public:
    PrefixedSource(std::string prefix, std::unique_ptr<Source> rest) : prefix_(std::move(prefix)), rest_(std::move(rest)) {}
    std::size_t read(char* dst, std::size_t cap) override {
        if (pos_ < prefix_.size()) {
            const std::size_t n = std::min(cap, prefix_.size() - pos_);
            std::memcpy(dst, prefix_.data() + pos_, n);
            pos_ += n;
            return n;
        }
        const std::size_t n = rest_->read(dst, cap);
        if (n == 0 && rest_->error()) error_ = rest_->error();
        return n;
    }
    std::uint64_t raw_position() const noexcept override {
        const std::uint64_t raw = rest_->raw_position(), held = prefix_.size() - pos_;
        return raw > held ? raw - held : 0;  // a source reading ahead may report its position late
    }

private:
    std::string prefix_;
    std::size_t pos_ = 0;
    std::unique_ptr<Source> rest_;
};

}  // namespace

std::unique_ptr<Source> open_decoder(Compression c, std::unique_ptr<Source> raw, const std::string& path) {
    switch (c) {
#ifdef LOGCODES_HAVE_ISAL
        case Compression::gzip: return std::make_unique<IsalGzipSource>(std::move(raw), path);
#else
        case Compression::gzip: return std::make_unique<GzipSource>(std::move(raw), path);
#endif
        case Compression::zstd: return std::make_unique<ZstdSource>(std::move(raw), path);
        case Compression::none: break;
    }
    return raw;
}

namespace {

// A capture (pcap/pcapng, compressed or not) is read as the SIP trace it holds.
std::unique_ptr<Source> maybe_capture(std::unique_ptr<Source> decoded, const std::string& path, Error& err,
                                      bool decompressed, bool* is_a_capture = nullptr) {
    std::string head(kCaptureHead, '\0');
    std::size_t have = 0;
    while (have < head.size()) {
        const std::size_t n = decoded->read(head.data() + have, head.size() - have);
        if (n == 0) break;
        have += n;
    }
    head.resize(have);
    const bool capture = is_capture(head);
    if (is_a_capture) *is_a_capture = capture;
    auto src = std::make_unique<PrefixedSource>(std::move(head), std::move(decoded));
    if (!capture) return src;
    return open_capture(std::move(src), path, err, decompressed);
}

int open_read(const std::string& path, Error& err) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) err = errno_error(errno, path, 0);
    return fd;
}

// Opens a URL through the registered opener.
std::shared_ptr<RemoteObject> open_remote(const std::string& path, std::uint64_t& size, Error& err) {
    std::shared_ptr<RemoteOpener> opener;
    {
        std::lock_guard lock(remote_mu);
        opener = remote_opener;
    }
    if (!opener) {
        err.kind = ErrorKind::bad_argument;
        err.path = path;
        err.message = "no reader of URLs is registered (the Python package reads them through fsspec)";
        return nullptr;
    }
    auto object = opener->open(path, size, err);
    if (!object && !err) err.kind = ErrorKind::io;
    if (err) {
        err = remote_error(std::move(err), path, 0);
        return nullptr;
    }
    return object;
}

Error probe_remote(const std::string& path, InputInfo& info) {
    Error err;
    info.remote = open_remote(path, info.size, err);
    if (!info.remote) return err;
    info.is_regular = true;  // a known size and positioned reads: split like a local file
    char head[kCaptureHead];
    const std::size_t n = info.size == 0 ? 0 : info.remote->read_at(0, head, std::min<std::uint64_t>(sizeof head, info.size), err);
    if (err) return remote_error(std::move(err), path, 0);
    info.compression = sniff_compression(std::string_view(head, n));
    info.capture = is_capture(std::string_view(head, n));
    return {};
}

}  // namespace

void set_remote_opener(std::shared_ptr<RemoteOpener> opener) {
    std::lock_guard lock(remote_mu);
    remote_opener = std::move(opener);
}

bool is_remote_path(std::string_view path) noexcept {
    const std::size_t colon = path.find("://");
    if (colon == std::string_view::npos || colon == 0) return false;
    for (std::size_t i = 0; i < colon; ++i) {
        const char c = path[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
        if (!ok) return false;
    }
    return true;
}

Error probe_input(const std::string& path, InputInfo& info) {
    info = InputInfo{};
    info.path = path;
    if (path == "-") {
        info.is_stdin = true;
        return {};
    }
    if (is_remote_path(path)) return probe_remote(path, info);
    Error err;
    struct stat named {};
    if (::stat(path.c_str(), &named) == 0 && !S_ISREG(named.st_mode) && !S_ISDIR(named.st_mode)) {
        // A pipe or a device is opened once, by the scan: opening a FIFO here and closing it again would
        // leave its writer writing to no reader (data lost, or the writer gone before the scan opens it).
        if (::access(path.c_str(), R_OK) != 0) return errno_error(errno, path, 0);
        return {};
    }
    const int fd = open_read(path, err);
    if (fd < 0) return err;
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        err = errno_error(errno, path, 0);
        ::close(fd);
        return err;
    }
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        err.kind = ErrorKind::is_directory;
        err.path = path;
        err.message = "is a directory";
        return err;
    }
    info.is_regular = S_ISREG(st.st_mode);
    if (info.is_regular) {
        info.size = static_cast<std::uint64_t>(st.st_size);
        char head[kCaptureHead];
        ssize_t n;
        do {
            n = ::pread(fd, head, sizeof head, 0);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            err = errno_error(errno, path, 0);
            ::close(fd);
            return err;
        }
        info.compression = sniff_compression(std::string_view(head, static_cast<std::size_t>(n)));
        info.capture = is_capture(std::string_view(head, static_cast<std::size_t>(n)));
    }
    ::close(fd);
    return {};
}

std::unique_ptr<Source> open_input(const InputInfo& info, Error& err) {
    if (info.remote) {
        auto raw = std::make_unique<RemoteSource>(info.remote, info.path, 0, UINT64_MAX);
        return maybe_capture(open_decoder(info.compression, std::move(raw), info.path), info.path, err,
                             info.compression != Compression::none);
    }
    int fd = 0;
    bool owns = false;
    if (!info.is_stdin) {
        fd = open_read(info.path, err);
        if (fd < 0) return nullptr;
        owns = true;
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    auto raw = std::make_unique<FdSource>(fd, owns, info.path, 0, UINT64_MAX, false);
    if (info.is_regular) return maybe_capture(open_decoder(info.compression, std::move(raw), info.path), info.path, err,
                             info.compression != Compression::none);

    // A pipe, FIFO or stdin: sniff the compression from the first bytes and hand them back afterwards.
    std::string head(4, '\0');
    std::size_t have = 0;
    while (have < head.size()) {
        const std::size_t n = raw->read(head.data() + have, head.size() - have);
        if (n == 0) break;
        have += n;
    }
    if (raw->error()) {
        err = raw->error();
        return nullptr;
    }
    head.resize(have);
    const Compression c = sniff_compression(head);
    std::unique_ptr<Source> src = std::make_unique<PrefixedSource>(std::move(head), std::move(raw));
    return maybe_capture(open_decoder(c, std::move(src), info.path), info.path, err, c != Compression::none);
}

std::unique_ptr<Source> open_input(const InputInfo& info, Error& err, const ParallelDecoding& decoding) {
    // Objects behind a URL decode on one thread: the piece planner reads compressed bytes with pread().
    if (decoding.threads < 2 || !info.is_regular || info.compression == Compression::none || info.remote)
        return open_input(info, err);
    auto decoded = open_parallel_decoder(info, decoding, err);
    if (!decoded) return nullptr;
    // A compressed capture: its packets are reassembled on a thread of their own, ahead of the SIP parser.
    bool capture = false;
    auto src = maybe_capture(std::move(decoded), info.path, err, true, &capture);
    if (src && capture) return std::make_unique<ReadAheadSource>(std::move(src), decoding.block);
    return src;
}

std::unique_ptr<Source> open_file_range(const InputInfo& info, std::uint64_t begin, std::uint64_t end, Error& err) {
    if (info.remote) return std::make_unique<RemoteSource>(info.remote, info.path, begin, end);
    const int fd = open_read(info.path, err);
    if (fd < 0) return nullptr;
    ::posix_fadvise(fd, static_cast<off_t>(begin), 0, POSIX_FADV_SEQUENTIAL);
    return std::make_unique<FdSource>(fd, true, info.path, begin, end, true);
}

OpenFile& OpenFile::operator=(OpenFile&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
        remote_ = std::move(other.remote_);
    }
    return *this;
}

std::int64_t OpenFile::read_at(std::uint64_t offset, char* dst, std::size_t cap) const noexcept {
    if (remote_) {
        Error err;
        try {
            const std::size_t n = remote_->read_at(offset, dst, cap, err);
            return err ? -1 : static_cast<std::int64_t>(n);
        } catch (...) {
            return -1;
        }
    }
    for (;;) {
        const ssize_t n = ::pread(fd_, dst, cap, static_cast<off_t>(offset));
        if (n >= 0 || errno != EINTR) return n;
    }
}

OpenFile::~OpenFile() {
    if (fd_ >= 0) ::close(fd_);
}

OpenFile open_file(const std::string& path, Error& err) {
    if (is_remote_path(path)) {
        std::uint64_t size = 0;
        return OpenFile(open_remote(path, size, err));
    }
    return OpenFile(open_read(path, err));
}

OpenFile open_file(const InputInfo& info, Error& err) {
    if (info.remote) return OpenFile(info.remote);
    return open_file(info.path, err);
}

std::unique_ptr<Source> open_file_range(const OpenFile& file, const std::string& path, std::uint64_t begin,
                                        std::uint64_t end, std::uint64_t expect_end) {
    if (file.remote()) return std::make_unique<RemoteSource>(file.remote(), path, begin, end, expect_end);
    ::posix_fadvise(file.fd(), static_cast<off_t>(begin), 0, POSIX_FADV_SEQUENTIAL);
    return std::make_unique<FdSource>(file.fd(), false, path, begin, end, true);
}

Error read_head(const InputInfo& info, std::size_t cap, std::string& out) {
    Error err;
    out.clear();
    auto src = open_input(info, err);
    if (!src) return err;
    out.resize(cap);
    std::size_t have = 0;
    while (have < cap) {
        const std::size_t n = src->read(out.data() + have, cap - have);
        if (n == 0) break;
        have += n;
    }
    out.resize(have);
    // A truncated or corrupt stream is reported by the scan itself, with the counts before it.
    return {};
}

std::string_view error_kind_name(ErrorKind k) noexcept {
    switch (k) {
        case ErrorKind::none: return "none";
        case ErrorKind::not_found: return "not_found";
        case ErrorKind::is_directory: return "is_directory";
        case ErrorKind::permission: return "permission";
        case ErrorKind::io: return "io";
        case ErrorKind::truncated: return "truncated";
        case ErrorKind::corrupt: return "corrupt";
        case ErrorKind::bad_argument: return "bad_argument";
        case ErrorKind::cancelled: return "cancelled";
    }
    return "none";
}

bool parse_error_kind(std::string_view name, ErrorKind& out) noexcept {
    for (int k = 0; k <= static_cast<int>(ErrorKind::cancelled); ++k)
        if (error_kind_name(static_cast<ErrorKind>(k)) == name) {
            out = static_cast<ErrorKind>(k);
            return true;
        }
    return false;
}

}  // namespace logcodes
