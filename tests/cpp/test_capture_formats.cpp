// Real captures written again in the other formats read to the same SIP text: the packets of every capture
// in tests/data (and in the shared corpus beside the checkout, when it is there), read with libpcap, are
// written as a nanosecond big-endian pcap and as pcapng (plain; and big-endian with two interfaces of
// different time stamp resolutions, one with an if_tsoffset) by the fuzz targets' writer, and each reads
// through open_capture exactly as the original does. fuzz_pcap_formats checks the same on fuzzed packets.
#include "logcodes/pcap_source.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "../fuzz/capture_writer.hpp"

namespace {

using namespace logcodes;
namespace cw = logcodes::capture_writer;
namespace fs = std::filesystem;

class BytesSource final : public Source {
public:
    explicit BytesSource(std::string bytes) : bytes_(std::move(bytes)) {}
    std::size_t read(char* dst, std::size_t cap) override {
        const std::size_t n = std::min(cap, bytes_.size() - pos_);
        std::memcpy(dst, bytes_.data() + pos_, n);
        pos_ += n;
        return n;
    }
    std::uint64_t raw_position() const noexcept override { return pos_; }

private:
    std::string bytes_;
    std::size_t pos_ = 0;
};

struct Scanned {
    std::string text;
    std::uint64_t packets = 0, skipped = 0;
    ErrorKind error = ErrorKind::none;
};

Scanned scan(std::string bytes) {
    Error err;
    auto src = open_capture(std::make_unique<BytesSource>(std::move(bytes)), "<test>", err);
    EXPECT_TRUE(src) << err.message;
    Scanned s;
    if (!src) return s;
    char buf[4096];
    while (const std::size_t n = src->read(buf, sizeof buf)) s.text.append(buf, n);
    s.packets = src->packets();
    s.skipped = src->skipped_packets();
    s.error = src->error().kind;
    return s;
}

struct Packet {
    std::int64_t sec;
    std::uint32_t nsec;
    std::string data;
    std::uint32_t len;
};

struct Packets {
    std::uint16_t link = 0;  // LINKTYPE_
    std::uint32_t snaplen = 0;
    std::vector<Packet> packets;
};

// Every packet of a capture file, with nanosecond time stamps, as libpcap reads them.
Packets read_packets(const fs::path& path) {
    Packets out;
    char errbuf[PCAP_ERRBUF_SIZE] = {0};
    pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
    EXPECT_TRUE(p) << path << ": " << errbuf;
    if (!p) return out;
    // pcap_datalink gives the DLT_; files hold the LINKTYPE_, which differs for raw IP only among the
    // links the decoder reads.
    const int dlt = pcap_datalink(p);
    out.link = static_cast<std::uint16_t>(dlt == DLT_RAW ? 101 : dlt);
    out.snaplen = static_cast<std::uint32_t>(pcap_snapshot(p));
    // A pcap's seconds are unsigned 32 bits; libpcap sign-extends them when the file is in the host's order.
    const bool classic = pcap_major_version(p) == 2;
    pcap_pkthdr* h = nullptr;
    const u_char* d = nullptr;
    int rc = 0;
    while ((rc = pcap_next_ex(p, &h, &d)) == 1)
        out.packets.push_back({classic ? static_cast<std::uint32_t>(h->ts.tv_sec) : h->ts.tv_sec, static_cast<std::uint32_t>(h->ts.tv_usec),
                               std::string(reinterpret_cast<const char*>(d), h->caplen), h->len});
    EXPECT_EQ(rc, PCAP_ERROR_BREAK) << path << ": " << pcap_geterr(p);
    pcap_close(p);
    return out;
}

std::string as_pcap(const Packets& c) {
    cw::PcapWriter w(c.link, c.snaplen, /*nano=*/true, /*big_endian=*/true);
    for (const auto& p : c.packets) w.packet(p.sec, p.nsec, p.data, p.len);
    return w.bytes();
}

// One interface with the default (microsecond) resolution; EPBs.
std::string as_pcapng(const Packets& c) {
    cw::PcapngWriter w(false);
    w.section();
    cw::Interface i;
    i.link = c.link;
    i.snaplen = c.snaplen;
    w.interface(i);
    for (const auto& p : c.packets)
        w.epb(0, static_cast<std::uint64_t>(p.sec) * 1000000 + p.nsec / 1000, p.data, p.len);
    return w.bytes();
}

// Big-endian, the packets alternating between a nanosecond interface counting from the first second
// (if_tsoffset) and one of 2^-20 s (binary if_tsresol), each time stamp the instant rounded down.
std::string as_pcapng_two_interfaces(const Packets& c) {
    cw::PcapngWriter w(true);
    w.section("two interfaces");
    std::int64_t first = INT64_MAX;
    for (const auto& p : c.packets) first = std::min(first, p.sec);
    cw::Interface ns{c.link, c.snaplen, true, 9, true, c.packets.empty() ? 0 : first, "ns"};
    cw::Interface bin{c.link, c.snaplen, true, 0x80 | 20, false, 0, "bin"};
    w.interface(ns);
    w.interface(bin);
    for (std::size_t k = 0; k < c.packets.size(); ++k) {
        const Packet& p = c.packets[k];
        if (k % 2 == 0) {
            w.epb(0, static_cast<std::uint64_t>(p.sec - first) * 1000000000u + p.nsec, p.data, p.len);
        } else {
            // The smallest tick count at or after the instant's microsecond, so that it reads back as it.
            const std::uint64_t us = static_cast<std::uint64_t>(p.sec) * 1000000 + p.nsec / 1000;
            const std::uint64_t ticks = ((static_cast<cw::u128>(us) << 20) + 999999) / 1000000;
            w.epb(1, ticks, p.data, p.len);
        }
    }
    return w.bytes();
}

std::vector<fs::path> captures() {
    std::vector<fs::path> out;
    for (const fs::path& dir : {fs::path(LOGCODES_TEST_DATA), fs::path(LOGCODES_CORPUS) / "sip" / "pcap"}) {
        if (!fs::is_directory(dir)) continue;
        for (const auto& e : fs::recursive_directory_iterator(dir)) {
            const std::string ext = e.path().extension().string();
            if (e.is_regular_file() && (ext == ".pcap" || ext == ".pcapng")) out.push_back(e.path());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string file_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void expect_same(const Scanned& want, const Scanned& got, const fs::path& path, const char* as) {
    EXPECT_EQ(got.packets, want.packets) << path << " as " << as;
    EXPECT_EQ(got.skipped, want.skipped) << path << " as " << as;
    EXPECT_EQ(got.error, want.error) << path << " as " << as;
    EXPECT_TRUE(got.text == want.text) << path << " as " << as << ": " << got.text.size() << " bytes of text, not "
                                       << want.text.size();
}

TEST(CaptureFormats, RealCapturesReadAlikeAsPcapAndPcapng) {
    const auto paths = captures();
    ASSERT_FALSE(paths.empty());
    std::size_t with_sip = 0;
    for (const auto& path : paths) {
        const Packets c = read_packets(path);
        const Scanned original = scan(file_bytes(path));
        EXPECT_EQ(original.error, ErrorKind::none) << path;
        EXPECT_EQ(original.packets, c.packets.size()) << path;
        if (original.packets > original.skipped) ++with_sip;
        expect_same(original, scan(as_pcap(c)), path, "pcap");
        expect_same(original, scan(as_pcapng(c)), path, "pcapng");
        expect_same(original, scan(as_pcapng_two_interfaces(c)), path, "pcapng with two interfaces");
    }
    EXPECT_GE(with_sip, 3u);  // the lab captures carry SIP: the comparison is not of empty texts
}

// A pcap record's seconds are unsigned: a packet of 2071 reads as 2071 whatever the file's byte order
// (libpcap sign-extends them in the host's order: it read as 1935 in a little-endian file here, as 2071 in a
// big-endian one), and as the same instant in a pcapng. Found by RealCapturesReadAlikeAsPcapAndPcapng
// (heplify_sip_ipv6_udp.pcap holds such times).
TEST(CaptureFormats, PcapSecondsAreUnsigned) {
    const std::string sip = "OPTIONS sip:a@example.com SIP/2.0\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n";
    std::string udp = {0x13, static_cast<char>(0xc4), 0x13, static_cast<char>(0xc4), 0, static_cast<char>(8 + sip.size()), 0, 0};
    std::string ip = {0x45, 0, 0, static_cast<char>(28 + sip.size()), 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
    const Packets c{101, 0, {{3215500952, 251758000, ip + udp + sip, static_cast<std::uint32_t>(28 + sip.size())}}};
    const Scanned big = scan(as_pcap(c));
    EXPECT_NE(big.text.find("2071-11-23 10:42:32.251758"), std::string::npos) << big.text;
    cw::PcapWriter little(101, 0, false, false);
    little.packet(c.packets[0].sec, c.packets[0].nsec, c.packets[0].data, c.packets[0].len);
    expect_same(big, scan(little.bytes()), "<2071>", "little-endian pcap");
    expect_same(big, scan(as_pcapng(c)), "<2071>", "pcapng");
}

// The writer's model of time stamps, which the differential fuzz target relies on: libpcap reads a pcapng
// time stamp of any resolution and offset as the instant cw::instant gives, rounded down to the microsecond,
// and a pcap holding that instant (µs or ns) as the same.
TEST(CaptureFormats, WriterInstantsAreWhatLibpcapReads) {
    const auto read_all = [](const std::string& bytes) {
        std::vector<std::pair<std::int64_t, std::int64_t>> ts;
        FILE* f = fmemopen(const_cast<char*>(bytes.data()), bytes.size(), "r");
        char errbuf[PCAP_ERRBUF_SIZE] = {0};
        pcap_t* p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
        EXPECT_TRUE(p) << errbuf;
        if (!p) return ts;
        pcap_pkthdr* h = nullptr;
        const u_char* d = nullptr;
        while (pcap_next_ex(p, &h, &d) == 1) ts.emplace_back(h->ts.tv_sec, h->ts.tv_usec);
        pcap_close(p);  // closes f
        return ts;
    };
    const std::string ip = std::string("\x45\x00\x00\x14", 4) + std::string(16, '\0');
    for (int resol : {0, 3, 5, 6, 7, 9, 12, 19, 0x80, 0x80 | 10, 0x80 | 19, 0x80 | 20, 0x80 | 30, 0x80 | 44}) {
        for (const std::int64_t offset : {std::int64_t{0}, std::int64_t{1} << 29}) {
            const cw::Interface i{1, 0, true, static_cast<std::uint8_t>(resol), offset != 0, offset, ""};
            const cw::u128 per = cw::ticks_per_second(i);
            const cw::u128 top = std::min<cw::u128>(per << 30, UINT64_MAX);  // seconds below 2^30
            cw::PcapngWriter ng(resol & 1);
            ng.section();
            ng.interface(i);
            cw::PcapWriter us(1, 0, false, false), ns(1, 0, true, true);
            std::vector<std::pair<std::int64_t, std::int64_t>> want;
            for (const cw::u128 t : {cw::u128{0}, cw::u128{1}, per - 1, per + per / 3, top - 1, top / 7 * 5}) {
                const auto ticks = static_cast<std::uint64_t>(t);
                ng.epb(0, ticks, ip, 20);
                const cw::Instant at = cw::instant(i, ticks);
                EXPECT_GE(at.sec, 0);
                EXPECT_LT(at.sec, std::int64_t{1} << 31);
                us.packet(at.sec, at.nsec, ip, 20);
                ns.packet(at.sec, at.nsec, ip, 20);
                want.emplace_back(at.sec, at.nsec / 1000);
            }
            EXPECT_EQ(read_all(ng.bytes()), want) << "if_tsresol " << resol << ", if_tsoffset " << offset;
            EXPECT_EQ(read_all(us.bytes()), want) << "if_tsresol " << resol;
            EXPECT_EQ(read_all(ns.bytes()), want) << "if_tsresol " << resol;
        }
    }
}

}  // namespace
