// Differential: the same packets written as a classic pcap (microsecond or nanosecond magic, either byte
// order) and as pcapng (either byte order; one or more sections, each with one or more interfaces of their
// own time stamp resolution and offset; Enhanced, Simple and obsolete Packet Blocks; blocks a reader skips)
// must read alike: the same SIP text, the same packet and skipped-packet counts, the same error kind, and
// as many packets as were written (or, when both files are cut inside the same packet, the packets before
// it and a truncation error). Read from memory (open_capture) and as files (probe_input/open_input on a
// memfd, optionally both gzipped).
//
// Where the formats can legitimately differ, the inputs avoid it (the check itself is never weakened):
// - the snapshot length is at least every packet's captured length: over it, a pcap record is cut to the
//   snapshot length but a pcapng packet is an error;
// - time stamps are instants both files hold: seconds in [0, 2^32) (a pcap record's 32 unsigned bits), the
//   pcap storing the instant rounded down to its unit, as libpcap rounds a pcapng time stamp down;
// - binary resolutions are at most 2^-44: libpcap scales the fraction by 10^6 in 64 bits, which overflows
//   for finer ones;
// - several interfaces or sections only for link types whose LINKTYPE_ and DLT_ numbers agree (not raw IP,
//   LINKTYPE 101 = DLT 12): libpcap (1.10) compares a later IDB's LINKTYPE with the first's DLT and refuses
//   the capture when they differ;
// - a Simple Packet Block has no time stamp (time 0 of interface 0: its offset) and no captured length (the
//   whole packet): only whole packets on interface 0 go in one.
#include "fuzz_support.hpp"

#include "capture_writer.hpp"
#include "fuzzed_packets.hpp"
#include "logcodes/pcap_source.hpp"

#include <zlib.h>

using namespace logcodes;
namespace cw = logcodes::capture_writer;

namespace {

enum class Block : std::uint8_t { epb, spb, pb };

struct Packet {
    std::string data;
    std::uint32_t orig_len = 0;
    std::size_t section = 0;
    std::uint32_t iface = 0;  // in its section
    std::uint64_t ticks = 0;
    Block block = Block::epb;
    std::uint32_t skip_type = 0;  // a block readers skip, written before the packet (0: none)
    std::string skip_body;
    std::string comment;
};

struct Section {
    std::vector<cw::Interface> ifaces;
    bool lazy = false;  // IDBs written just before their first packet, not all at the section's start
};

struct Capture {
    std::uint16_t link = 1;
    std::uint32_t snaplen = 0;
    std::vector<Section> sections;
    std::vector<Packet> packets;
};

// Ticks of `i` that keep the instant's seconds below 2^31 before the offset (itself below 2^31).
std::uint64_t tick_limit(const cw::Interface& i) {
    const cw::u128 limit = static_cast<cw::u128>(cw::ticks_per_second(i)) << 31;
    return limit > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(limit);
}

cw::Interface make_interface(FuzzedDataProvider& fdp, std::uint16_t link, std::uint32_t snaplen) {
    cw::Interface i;
    i.link = link;
    i.snaplen = snaplen;
    i.write_tsresol = fdp.ConsumeBool();
    if (i.write_tsresol) {
        i.tsresol = fdp.ConsumeBool() ? fdp.ConsumeIntegralInRange<std::uint8_t>(0, 19)
                                      : static_cast<std::uint8_t>(0x80 | fdp.ConsumeIntegralInRange<std::uint8_t>(0, 44));
    }
    i.write_tsoffset = fdp.ConsumeIntegralInRange<int>(0, 3) == 0;
    if (i.write_tsoffset) i.tsoffset = fdp.ConsumeIntegralInRange<std::int64_t>(0, (std::int64_t{1} << 31) - 1);
    if (fdp.ConsumeIntegralInRange<int>(0, 3) == 0) i.name = "eth" + std::to_string(fdp.ConsumeIntegral<std::uint8_t>());
    return i;
}

Capture generate(FuzzedDataProvider& fdp) {
    Capture c;
    const std::uint8_t pick = fdp.ConsumeIntegral<std::uint8_t>();
    c.link = pick < 240 ? fuzz::kDecodedLinks[pick % fuzz::kDecodedLinks.size()] : fdp.ConsumeIntegral<std::uint16_t>();
    const bool one_interface =
        c.link == 101 || std::find(fuzz::kDecodedLinks.begin(), fuzz::kDecodedLinks.end(), c.link) == fuzz::kDecodedLinks.end();
    fuzz::PacketMaker maker(fdp, c.link);
    const int count = fdp.ConsumeIntegralInRange<int>(0, 40);
    std::vector<std::uint64_t> clock;  // last ticks per interface of the current section
    for (int k = 0; k < count && fdp.remaining_bytes() > 0; ++k) {
        Packet p;
        if (c.sections.empty() || (!one_interface && fdp.ConsumeIntegralInRange<int>(0, 15) == 0)) {
            Section s;
            s.lazy = fdp.ConsumeBool();
            const int n = one_interface ? 1 : fdp.ConsumeIntegralInRange<int>(1, 3);
            for (int i = 0; i < n; ++i) s.ifaces.push_back(make_interface(fdp, c.link, 0));  // snaplen set below
            c.sections.push_back(std::move(s));
            clock.assign(n, 0);
        }
        const Section& s = c.sections.back();
        p.section = c.sections.size() - 1;
        p.iface = fdp.ConsumeIntegralInRange<std::uint32_t>(0, static_cast<std::uint32_t>(s.ifaces.size() - 1));
        p.data = maker.next();
        p.orig_len = static_cast<std::uint32_t>(p.data.size()) + (fdp.ConsumeIntegralInRange<int>(0, 7) == 0 ? fdp.ConsumeIntegral<std::uint16_t>() : 0);
        const cw::Interface& itf = s.ifaces[p.iface];
        // Mostly forward in time by a fuzzed step; sometimes anywhere.
        const std::uint64_t limit = tick_limit(itf);
        std::uint64_t t = clock[p.iface] + fdp.ConsumeIntegral<std::uint32_t>();
        if (fdp.ConsumeIntegralInRange<int>(0, 15) == 0) t = fdp.ConsumeIntegral<std::uint64_t>();
        p.ticks = clock[p.iface] = t % limit;
        switch (fdp.ConsumeIntegralInRange<int>(0, 9)) {
            case 0: if (p.iface == 0 && p.orig_len == p.data.size()) p.block = Block::spb; break;
            case 1: p.block = Block::pb; break;
            default: break;
        }
        if (p.block == Block::spb) p.ticks = 0;
        if (fdp.ConsumeIntegralInRange<int>(0, 7) == 0) {
            // Name resolution, interface statistics, custom (copyable or not), decryption secrets, local use.
            static constexpr std::uint32_t kSkipped[] = {4, 5, 0x00000bad, 0x40000bad, 0x0a, 0x80000001};
            p.skip_type = kSkipped[fdp.ConsumeIntegralInRange<std::size_t>(0, std::size(kSkipped) - 1)];
            p.skip_body = fdp.ConsumeRandomLengthString(64);
        }
        if (fdp.ConsumeIntegralInRange<int>(0, 7) == 0) p.comment = fdp.ConsumeRandomLengthString(32);
        c.packets.push_back(std::move(p));
    }
    if (c.sections.empty()) {
        c.sections.push_back({{make_interface(fdp, c.link, 0)}, false});
    }
    // At least every packet's captured length (0: no limit).
    std::uint32_t longest = 0;
    for (const auto& p : c.packets) longest = std::max<std::uint32_t>(longest, static_cast<std::uint32_t>(p.data.size()));
    const std::uint8_t snap = fdp.ConsumeIntegral<std::uint8_t>();
    c.snaplen = snap < 64 ? 0 : snap < 128 ? 65535 : snap < 192 ? 262144 : longest + snap;
    if (c.snaplen != 0 && c.snaplen < longest) c.snaplen = 0;
    for (auto& s : c.sections)
        for (auto& i : s.ifaces) i.snaplen = c.snaplen;
    return c;
}

struct Files {
    std::string pcap, pcapng;
    std::vector<std::pair<std::size_t, std::size_t>> pcap_records, pcapng_records;  // [start, end) per packet
};

Files write(const Capture& c, bool nano, bool pcap_big, bool pcapng_big) {
    Files f;
    cw::PcapWriter pcap(c.link, c.snaplen, nano, pcap_big);
    cw::PcapngWriter ng(pcapng_big);
    std::size_t section = SIZE_MAX;
    std::uint32_t declared = 0;  // IDBs written in the current section
    const auto declare_upto = [&](const Section& s, std::uint32_t last) {
        for (; declared <= last; ++declared) ng.interface(s.ifaces[declared]);
    };
    for (std::size_t k = 0; k <= c.packets.size(); ++k) {
        // A section starts with its SHB; every interface is declared (an empty capture still has one).
        const std::size_t want = k < c.packets.size() ? c.packets[k].section : section == SIZE_MAX ? 0 : section;
        if (want != section) {
            section = want;
            ng.section(k == 0 ? "logcodes differential fuzzing" : "");
            declared = 0;
            if (!c.sections[section].lazy || k == c.packets.size()) declare_upto(c.sections[section], static_cast<std::uint32_t>(c.sections[section].ifaces.size() - 1));
        }
        if (k == c.packets.size()) break;
        const Packet& p = c.packets[k];
        const Section& s = c.sections[p.section];
        declare_upto(s, p.iface);
        if (p.skip_type != 0) ng.block(p.skip_type, p.skip_body);
        const cw::Interface& itf = s.ifaces[p.iface];
        const cw::Instant at = cw::instant(itf, p.ticks);
        std::size_t start = pcap.size();
        pcap.packet(at.sec, at.nsec, p.data, p.orig_len);
        f.pcap_records.emplace_back(start, pcap.size());
        start = ng.size();
        switch (p.block) {
            case Block::epb: ng.epb(p.iface, p.ticks, p.data, p.orig_len, p.comment); break;
            case Block::spb: ng.spb(p.data); break;
            case Block::pb: ng.pb(static_cast<std::uint16_t>(p.iface), p.ticks, p.data, p.orig_len); break;
        }
        f.pcapng_records.emplace_back(start, ng.size());
    }
    f.pcap = pcap.bytes();
    f.pcapng = ng.bytes();
    return f;
}

struct Read {
    std::string text;
    std::uint64_t packets = 0, skipped = 0;
    ErrorKind error = ErrorKind::none;
};

Read drain(Source& src, std::size_t cap) {
    Read r;
    std::vector<char> buf(cap);
    for (;;) {
        const std::size_t n = src.read(buf.data(), buf.size());
        FUZZ_CHECK(n <= buf.size());
        if (n == 0) break;
        r.text.append(buf.data(), n);
    }
    r.packets = src.packets();
    r.skipped = src.skipped_packets();
    r.error = src.error().kind;
    if (src.error()) FUZZ_CHECK(!src.error().message.empty());
    FUZZ_CHECK(r.skipped <= r.packets);
    return r;
}

// Read from memory, through open_capture.
Read read_memory(const std::string& bytes, std::size_t chunk, std::size_t cap) {
    Error err;
    auto src = open_capture(std::make_unique<fuzz::MemorySource>(bytes, chunk), "<fuzz>", err);
    FUZZ_CHECK(src != nullptr);  // the headers are whole: the capture always opens
    return drain(*src, cap);
}

// Read as a file, as a scan opens one (gzipped when `compressed`).
Read read_file(const std::string& bytes, bool compressed, std::size_t cap) {
    fuzz::MemFile mem(compressed ? fuzz::gzip_member(bytes, 1) : std::string(bytes));
    InputInfo info;
    FUZZ_CHECK(!probe_input(mem.path(), info));
    FUZZ_CHECK(info.capture || compressed);  // probe_input sniffs the file's own bytes; a gzipped capture is found on opening
    Error err;
    auto src = open_input(info, err);
    FUZZ_CHECK(src != nullptr);
    return drain(*src, cap);
}

void expect_same(const Read& a, const Read& b) {
    FUZZ_CHECK(a.packets == b.packets);
    FUZZ_CHECK(a.skipped == b.skipped);
    FUZZ_CHECK(a.error == b.error);
    FUZZ_CHECK(a.text == b.text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider fdp(data, size);
    const std::uint8_t mode = fdp.ConsumeIntegral<std::uint8_t>();
    const std::size_t chunk = fdp.ConsumeIntegralInRange<std::size_t>(1, 1 << 16);
    const std::size_t cap = fdp.ConsumeIntegralInRange<std::size_t>(1, 1 << 16);
    const bool cut = (mode & 0x08) != 0;
    const std::uint32_t cut_at = fdp.ConsumeIntegral<std::uint32_t>();
    const std::uint16_t cut_pcap = fdp.ConsumeIntegral<std::uint16_t>(), cut_pcapng = fdp.ConsumeIntegral<std::uint16_t>();
    const Capture c = generate(fdp);
    Files f = write(c, mode & 0x01, mode & 0x02, mode & 0x04);

    std::uint64_t expect_packets = c.packets.size();
    ErrorKind expect_error = ErrorKind::none;
    if (cut && !c.packets.empty()) {
        // Both cut inside the same packet's record (never at its first byte: that would be a clean end).
        const std::size_t k = cut_at % c.packets.size();
        const auto inside = [](std::pair<std::size_t, std::size_t> r, std::uint16_t v) {
            return r.first + 1 + v % (r.second - r.first - 1);
        };
        f.pcap.resize(inside(f.pcap_records[k], cut_pcap));
        f.pcapng.resize(inside(f.pcapng_records[k], cut_pcapng));
        expect_packets = k;
        expect_error = ErrorKind::truncated;
    }

    const Read pcap = read_memory(f.pcap, chunk, cap);
    FUZZ_CHECK(pcap.packets == expect_packets);
    FUZZ_CHECK(pcap.error == expect_error);
    expect_same(pcap, read_memory(f.pcapng, chunk, cap));
    const bool compressed = mode & 0x10;
    expect_same(pcap, read_file(f.pcap, compressed, cap));
    expect_same(pcap, read_file(f.pcapng, compressed, cap));
    return 0;
}
