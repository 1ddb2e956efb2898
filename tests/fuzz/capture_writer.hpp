// Writers of the two capture formats libpcap reads, for tests that write the same packets both ways:
// classic pcap (https://www.tcpdump.org/manpages/pcap-savefile.5.html: 24-byte file header, 16-byte record
// headers; microsecond magic 0xa1b2c3d4 or nanosecond magic 0xa1b23c4d; either byte order) and pcapng
// (draft-ietf-opsawg-pcapng: blocks of type, total length, body padded to 32 bits, total length again;
// SHB, IDB with if_tsresol / if_tsoffset, EPB, SPB, the obsolete PB, and any other block as given).
// No dependency on libFuzzer or the core: the fuzz targets and the GoogleTests both use it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace logcodes::capture_writer {

__extension__ using u128 = unsigned __int128;  // exact products of 64-bit tick counts

// Appends integers in one byte order (the whole file, or section, is written in it).
class Bytes {
public:
    explicit Bytes(bool big_endian) : big_(big_endian) {}
    void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
    void u16(std::uint16_t v) { put(v, 2); }
    void u32(std::uint32_t v) { put(v, 4); }
    void u64(std::uint64_t v) { put(v, 8); }
    void raw(std::string_view b) { out_.append(b); }
    void pad4() { out_.append((4 - out_.size() % 4) % 4, '\0'); }
    std::string& str() noexcept { return out_; }
    const std::string& str() const noexcept { return out_; }
    bool big_endian() const noexcept { return big_; }

private:
    void put(std::uint64_t v, int n) {
        for (int i = 0; i < n; ++i) {
            const int shift = big_ ? 8 * (n - 1 - i) : 8 * i;
            out_.push_back(static_cast<char>((v >> shift) & 0xff));
        }
    }
    bool big_;
    std::string out_;
};

// Classic pcap: the file header, then one record per packet.
class PcapWriter {
public:
    // `link` is the file's LINKTYPE_ value; `nano`: fractions of a second are nanoseconds, else microseconds.
    PcapWriter(std::uint32_t link, std::uint32_t snaplen, bool nano, bool big_endian) : b_(big_endian), nano_(nano) {
        b_.u32(nano ? 0xa1b23c4d : 0xa1b2c3d4);
        b_.u16(2);  // version 2.4
        b_.u16(4);
        b_.u32(0);  // thiszone (always 0)
        b_.u32(0);  // sigfigs (always 0)
        b_.u32(snaplen);
        b_.u32(link);
    }
    // `sec` must fit the record's 32 unsigned bits; `nsec` below 10^9 is cut to the
    // file's resolution (a microsecond file stores nsec / 1000, as a capture with that clock would).
    void packet(std::int64_t sec, std::uint32_t nsec, std::string_view data, std::uint32_t orig_len) {
        b_.u32(static_cast<std::uint32_t>(sec));
        b_.u32(nano_ ? nsec : nsec / 1000);
        b_.u32(static_cast<std::uint32_t>(data.size()));
        b_.u32(orig_len);
        b_.raw(data);
    }
    std::size_t size() const noexcept { return b_.str().size(); }
    const std::string& bytes() const noexcept { return b_.str(); }

private:
    Bytes b_;
    bool nano_;
};

// How one pcapng interface counts time: if_tsresol (10^-n, or 2^-n with the top bit set; 6 when absent)
// and if_tsoffset (seconds added to every time stamp; 0 when absent).
struct Interface {
    std::uint16_t link = 1;       // LINKTYPE_
    std::uint32_t snaplen = 0;    // 0: no limit
    bool write_tsresol = false;
    std::uint8_t tsresol = 6;
    bool write_tsoffset = false;
    std::int64_t tsoffset = 0;
    std::string name;             // if_name, when not empty
};

// Ticks per second of an interface's resolution (both the decimal and the binary kind; n ≤ 19 resp. 63).
inline std::uint64_t ticks_per_second(const Interface& i) {
    const std::uint8_t r = i.write_tsresol ? i.tsresol : 6;
    if (r & 0x80) return std::uint64_t{1} << (r & 0x7f);
    std::uint64_t t = 1;
    for (int k = 0; k < r; ++k) t *= 10;
    return t;
}

// The instant a time stamp of `ticks` stands for, as seconds and nanoseconds rounded down (as every reader
// that keeps less precision does): what a classic pcap of the same packet holds.
struct Instant {
    std::int64_t sec;
    std::uint32_t nsec;
};
inline Instant instant(const Interface& i, std::uint64_t ticks) {
    const std::uint64_t per = ticks_per_second(i);
    const std::uint64_t rem = ticks % per;
    const auto nsec = static_cast<std::uint32_t>(static_cast<u128>(rem) * 1000000000u / per);
    // Offsets wrap as unsigned 64-bit sums, as in the reader; the sum is then a signed number of seconds.
    const auto sec = static_cast<std::int64_t>(ticks / per + static_cast<std::uint64_t>(i.write_tsoffset ? i.tsoffset : 0));
    return {sec, nsec};
}

// pcapng: sections of blocks. Begin with section(), then interfaces, then packets (and any other blocks).
class PcapngWriter {
public:
    explicit PcapngWriter(bool big_endian) : big_(big_endian), out_(big_endian) {}

    // A Section Header Block (version 1.0, section length unknown); later sections start over with their
    // own interfaces, numbered from 0.
    void section(std::string_view comment = {}) {
        Bytes body(big_);
        body.u32(0x1a2b3c4d);
        body.u16(1);
        body.u16(0);
        body.u64(~std::uint64_t{0});
        if (!comment.empty()) option(body, 1, comment);  // opt_comment
        end_options(body);
        block(0x0a0d0d0a, body.str());
    }

    void interface(const Interface& i) {
        Bytes body(big_);
        body.u16(i.link);
        body.u16(0);
        body.u32(i.snaplen);
        if (!i.name.empty()) option(body, 2, i.name);  // if_name
        if (i.write_tsresol) option(body, 9, std::string(1, static_cast<char>(i.tsresol)));
        if (i.write_tsoffset) {
            Bytes v(big_);
            v.u64(static_cast<std::uint64_t>(i.tsoffset));
            option(body, 14, v.str());
        }
        end_options(body);
        block(1, body.str());
    }

    // An Enhanced Packet Block: `ticks` in the interface's resolution (high word first, as the spec says).
    void epb(std::uint32_t iface, std::uint64_t ticks, std::string_view data, std::uint32_t orig_len,
             std::string_view comment = {}) {
        Bytes body(big_);
        body.u32(iface);
        body.u32(static_cast<std::uint32_t>(ticks >> 32));
        body.u32(static_cast<std::uint32_t>(ticks));
        body.u32(static_cast<std::uint32_t>(data.size()));
        body.u32(orig_len);
        body.raw(data);
        body.pad4();
        if (!comment.empty()) {
            option(body, 1, comment);
            end_options(body);
        }
        block(6, body.str());
    }

    // A Simple Packet Block: interface 0, no time stamp; its captured length is the original length (cut to
    // the snapshot length by the reader), so the packet must be whole.
    void spb(std::string_view data) {
        Bytes body(big_);
        body.u32(static_cast<std::uint32_t>(data.size()));
        body.raw(data);
        body.pad4();
        block(3, body.str());
    }

    // The obsolete Packet Block (type 2): a 16-bit interface id and a drop count before the EPB's fields.
    void pb(std::uint16_t iface, std::uint64_t ticks, std::string_view data, std::uint32_t orig_len) {
        Bytes body(big_);
        body.u16(iface);
        body.u16(0);
        body.u32(static_cast<std::uint32_t>(ticks >> 32));
        body.u32(static_cast<std::uint32_t>(ticks));
        body.u32(static_cast<std::uint32_t>(data.size()));
        body.u32(orig_len);
        body.raw(data);
        body.pad4();
        block(2, body.str());
    }

    // Any block: type and body (padded here). Readers skip the types they do not know.
    void block(std::uint32_t type, std::string_view body) {
        const std::size_t padded = (body.size() + 3) / 4 * 4;
        const auto total = static_cast<std::uint32_t>(12 + padded);
        out_.u32(type);
        out_.u32(total);
        out_.raw(body);
        out_.str().append(padded - body.size(), '\0');
        out_.u32(total);
    }

    std::size_t size() const noexcept { return out_.str().size(); }
    const std::string& bytes() const noexcept { return out_.str(); }

private:
    static void option(Bytes& body, std::uint16_t code, std::string_view value) {
        body.u16(code);
        body.u16(static_cast<std::uint16_t>(value.size()));
        body.raw(value);
        body.pad4();
    }
    static void end_options(Bytes& body) {
        body.u16(0);
        body.u16(0);
    }

    bool big_;
    Bytes out_;
};

}  // namespace logcodes::capture_writer
