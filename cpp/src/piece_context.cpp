#include "logcodes/piece_context.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include <unistd.h>

namespace logcodes {

namespace {

constexpr std::size_t kChunk = 64 * 1024;

bool read_at(const OpenFile& file, char* out, std::size_t n, std::uint64_t at, std::size_t& got) {
    got = 0;
    while (got < n) {
        const ssize_t r = ::pread(file.fd(), out + got, n - got, static_cast<off_t>(at + got));
        if (r < 0) return false;
        if (r == 0) break;
        got += static_cast<std::size_t>(r);
    }
    return true;
}

void read_failed(DirectiveSearch& s, const std::string& path, std::uint64_t at) {
    s.error.kind = ErrorKind::io;
    s.error.path = path;
    s.error.offset = at;
    s.error.message = std::string("cannot read the directive before a piece: ") + std::strerror(errno);
}

}  // namespace

DirectiveSearch last_directive(const OpenFile& file, const std::string& path, std::uint64_t from, std::uint64_t to,
                               const Format& format, std::size_t max_record) {
    DirectiveSearch s;
    std::vector<char> buf(kChunk);
    std::string line;
    // Checks the line starting at `start`: `text`/`len` when `known` (it ends inside buf), else read here. True
    // when the search is over (found, or a read failed).
    auto check = [&](std::uint64_t start, const char* text, std::size_t len, bool known) {
        if (!known) {
            // Its end lies past what was read: read the line itself, a few KiB at a time, up to max_record bytes.
            line.clear();
            std::size_t step = 4096;
            for (;;) {
                const std::size_t had = line.size();
                line.resize(had + step);
                std::size_t got = 0;
                if (!read_at(file, line.data() + had, step, start + had, got)) {
                    read_failed(s, path, start + had);
                    return true;
                }
                line.resize(had + got);
                const char* nl = static_cast<const char*>(std::memchr(line.data() + had, '\n', got));
                if (nl) {
                    line.resize(static_cast<std::size_t>(nl - line.data()));
                    break;
                }
                if (got < step || line.size() >= max_record) break;  // the last line, or an overlong one
                step = std::min<std::size_t>(step * 4, 1 << 20);
            }
            text = line.data();
            len = line.size();
        }
        if (len >= max_record || !format.directive(std::string_view(text, len))) return false;
        s.found = true;
        s.line.assign(text, len);
        return true;
    };
    // Walk the '\n' bytes backwards: the byte after each is a line start. [lo, hi) is in buf.
    std::uint64_t hi = to;
    const std::uint64_t floor = from > 0 ? from - 1 : 0;  // the '\n' before `from` opens a line at `from`
    std::uint64_t next_nl = UINT64_MAX;                      // the '\n' ending the line being looked at
    while (hi > floor) {
        const std::uint64_t lo = std::max(floor, hi > kChunk ? hi - kChunk : 0);
        std::size_t got = 0;
        if (!read_at(file, buf.data(), static_cast<std::size_t>(hi - lo), lo, got)) {
            read_failed(s, path, lo);
            return s;
        }
        if (got < hi - lo) return s;  // the file is shorter than when it was planned: nothing more to find
        for (std::size_t n = static_cast<std::size_t>(hi - lo); n > 0;) {
            const void* nl = ::memrchr(buf.data(), '\n', n);
            if (!nl) break;
            n = static_cast<std::size_t>(static_cast<const char*>(nl) - buf.data());
            const std::uint64_t p = lo + n;
            const std::uint64_t start = p + 1;
            if (start < to && start >= from) {
                const bool known = next_nl != UINT64_MAX && next_nl < hi;
                const char* text = known ? buf.data() + (start - lo) : nullptr;
                if (check(start, text, known ? static_cast<std::size_t>(next_nl - start) : 0, known)) return s;
            }
            next_nl = p;
        }
        hi = lo;
    }
    if (from == 0 && to > 0) check(0, nullptr, 0, false);  // the file's first line follows no '\n'
    return s;
}

}  // namespace logcodes
