// Inputs found by the fuzz targets in tests/fuzz (docs/fuzzing.md): each broke the core once. Run under
// `make test SANITIZE=1` they also fail on the undefined behaviour they used to trigger.
#include "logcodes/calls.hpp"
#include "logcodes/source.hpp"
#include "logcodes/stream.hpp"
#include "logcodes/time.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace logcodes {
namespace {

ScanStats scan_stream(const std::string& format, const std::string& text) {
    StreamScanner s(options_for(format, GroupSpec{{Dim::code}}));
    s.feed(text);
    s.finish();
    return s.stats();
}

// fuzz_error_logs: a ten-digit "year" in an Apache error_log header overflowed int while reading it.
TEST(FuzzRegressions, ApacheErrorLogHeaderWithAHugeYear) {
    const ScanStats st = scan_stream("error_log",
                                     "[Tue Nov 24 10:17:11 2183372026] [authz_core:error] [pid 3326:tid 1] AH01630: x\n"
                                     "[Tue Nov 24 10:17:11 2026] [authz_core:error] [pid 3326:tid 1] AH01630: y\n");
    EXPECT_EQ(st.lines, 2u);
    EXPECT_EQ(st.events, 2u);
    EXPECT_EQ(st.unparsed, 0u);
}

// fuzz_formats: a W3C user agent written in several tokens, one of them quoted, was joined back from two
// different buffers (the line and the unquoted copy), giving a view of a garbage length.
TEST(FuzzRegressions, W3cUserAgentTokensWithAQuotedOne) {
    const ScanStats st = scan_stream("w3c",
                                     "#Fields: sc-status cs(User-Agent)\n"
                                     "200 \"quoted agent\" more tokens\n"
                                     "200 more tokens \"quoted\"\n"
                                     "200 plain agent in tokens\n");
    EXPECT_EQ(st.meta, 1u);
    EXPECT_EQ(st.total, 3u);
    EXPECT_EQ(st.unparsed, 2u);  // cannot be split unambiguously: counted, with a sample, never misread
    EXPECT_EQ(st.unparsed_samples.size(), 2u);
}

// fuzz_sip: an epoch time of more than 19 digits overflowed int64 while reading it.
TEST(FuzzRegressions, EpochTimeTooLongForInt64) {
    EXPECT_EQ(parse_epoch_time("99999999999999999999"), kNoTime);
    EXPECT_EQ(parse_epoch_time("17900000000000547770.5"), kNoTime);
    EXPECT_EQ(parse_epoch_time("1700000000123456789"), 1700000000);  // nanoseconds still read
}

// fuzz_sip, fuzz_formats: a SIP message ended by the start line of the next one (no blank line between them,
// as in cut dumps) was handed out pointing at the parser's storage, which the next message then overwrote:
// the first message was counted with the second one's code (and read freed memory).
TEST(FuzzRegressions, SipMessageEndedByTheNextStartLine) {
    StreamScanner s(options_for("sip_trace", GroupSpec{{Dim::code}}, CountLevel::messages), "<t>");
    s.feed("SIP/2.0 486 Busy Here\r\nCall-ID: a\r\nCSeq: 1 INVITE\r\n"
           "SIP/2.0 200 OK\r\nCall-ID: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\nCSeq: 2 INVITE\r\n\r\n");
    s.finish();
    std::map<std::int64_t, std::uint64_t> codes;
    s.counts().for_each([&](std::span<const KeyValue> key, std::uint64_t n) { codes[key[0].number] += n; });
    EXPECT_EQ(codes, (std::map<std::int64_t, std::uint64_t>{{200, 1}, {486, 1}}));
}

// fuzz_pcap: a TCP segment 2^31 bytes behind the stream (sequence number difference INT32_MIN) overflowed
// while computing how much of it was already taken (UBSan under SANITIZE=1); it is an old segment, dropped.
TEST(FuzzRegressions, TcpSegmentHalfTheSequenceSpaceAway) {
    auto be16 = [](std::string& o, unsigned v) { o += static_cast<char>(v >> 8); o += static_cast<char>(v & 0xFF); };
    auto be32 = [&](std::string& o, std::uint32_t v) { be16(o, v >> 16); be16(o, v & 0xFFFF); };
    auto le32 = [](std::string& o, std::uint32_t v) {
        for (int i = 0; i < 4; ++i) o += static_cast<char>((v >> (8 * i)) & 0xFF);
    };
    auto packet = [&](std::string& file, std::uint32_t seq, const std::string& payload) {
        std::string p(12, '\x02');            // Ethernet: destination, source
        be16(p, 0x0800);                      // IPv4
        p += "\x45";
        p += '\0';
        be16(p, static_cast<unsigned>(40 + payload.size()));
        p += std::string("\0\0\x40\0\x40\x06\0\0", 8);  // id, don't fragment, ttl, TCP, checksum
        p += std::string("\x0a\0\0\x01\x0a\0\0\x02", 8);  // 10.0.0.1 -> 10.0.0.2
        be16(p, 5060);
        be16(p, 5060);
        be32(p, seq);
        be32(p, 0);
        p += "\x50\x18";                      // header length 20, PSH ACK
        be16(p, 65535);
        p += std::string(4, '\0');
        p += payload;
        le32(file, 1700000000);
        le32(file, 0);
        le32(file, static_cast<std::uint32_t>(p.size()));
        le32(file, static_cast<std::uint32_t>(p.size()));
        file += p;
    };
    std::string file;
    le32(file, 0xa1b2c3d4);
    file += std::string("\x02\0\x04\0", 4);  // version 2.4
    file += std::string(8, '\0');
    le32(file, 65535);
    le32(file, 1);  // Ethernet
    const std::string first = "SIP/2.0 200 OK\r\nCall-ID: a\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    const std::string second = "SIP/2.0 486 Busy Here\r\nCall-ID: a\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    packet(file, 1000, first);
    packet(file, 1000 + static_cast<std::uint32_t>(first.size()) + 0x80000000u, second);

    const auto path = std::filesystem::temp_directory_path() / "logcodes_fuzz_regression_tcp.pcap";
    std::ofstream(path, std::ios::binary) << file;
    InputInfo info;
    ASSERT_FALSE(probe_input(path.string(), info));
    ASSERT_TRUE(info.capture);
    Error err;
    auto src = open_input(info, err);
    ASSERT_TRUE(src) << err.message;
    std::string text;
    char buf[4096];
    for (std::size_t n; (n = src->read(buf, sizeof buf)) > 0;) text.append(buf, n);
    std::filesystem::remove(path);
    EXPECT_FALSE(src->error()) << src->error().message;
    EXPECT_EQ(src->packets(), 2u);
    EXPECT_NE(text.find("SIP/2.0 200 OK"), std::string::npos);
    EXPECT_EQ(text.find("486"), std::string::npos);
}

// fuzz_compressed (a .pcap inside gzip): an IPv4 header longer (IHL 60 bytes) than the bytes captured (40)
// made the payload length underflow to about 4 GiB, read past the packet (libFuzzer: malloc of 4294967227).
TEST(FuzzRegressions, Ipv4HeaderLongerThanTheCapturedPacket) {
    std::string file("\xd4\xc3\xb2\xa1\x02\0\x04\0", 8);       // pcap 2.4, little-endian
    file += std::string(8, '\0');
    file += std::string("\xff\xff\0\0\x01\0\0\0", 8);          // snaplen, Ethernet
    std::string packet(12, '\x02');
    packet += std::string("\x08\0\x4f\0\0\x64", 6);             // IPv4, IHL 15 (60 bytes), total length 100
    packet += std::string(34, '\0');                               // 40 bytes of IP in all
    packet[14 + 9] = 6;                                             // TCP
    std::string rec("\0\0\0\0\0\0\0\0", 8);
    for (int i = 0; i < 2; ++i) rec += std::string{static_cast<char>(packet.size()), 0, 0, 0};
    file += rec + packet;

    const auto path = std::filesystem::temp_directory_path() / "logcodes_fuzz_regression_ihl.pcap";
    std::ofstream(path, std::ios::binary) << file;
    InputInfo info;
    ASSERT_FALSE(probe_input(path.string(), info));
    Error err;
    auto src = open_input(info, err);
    ASSERT_TRUE(src) << err.message;
    char buf[4096];
    std::size_t total = 0;
    for (std::size_t n; (n = src->read(buf, sizeof buf)) > 0;) total += n;
    std::filesystem::remove(path);
    EXPECT_EQ(src->packets(), 1u);
    EXPECT_EQ(src->skipped_packets(), 1u);
    EXPECT_EQ(total, 0u);
}

}  // namespace
}  // namespace logcodes

// fuzz_stream / fuzz_sip: a SIP response with a Call-ID but no Via branch and no tags hashed its empty
// fields by memcpy from a null pointer (UBSan). Transactions must still be told apart and remembered.
TEST(FuzzRegressions, TransactionWithEmptyFieldsHashes) {
    logcodes::Record r;
    r.protocol = logcodes::Protocol::sip;
    r.status = "200";
    r.sip.call_id = "call-1";
    logcodes::TransactionFilter seen;
    EXPECT_TRUE(seen.first(r));
    EXPECT_FALSE(seen.first(r));  // the same response again: a retransmission
    r.status = "486";
    EXPECT_TRUE(seen.first(r));
    for (int i = 0; i < 5000; ++i) {  // grows the table past its first size: nothing forgotten
        const std::string id = "call-" + std::to_string(i + 2);
        r.sip.call_id = id;
        EXPECT_TRUE(seen.first(r));
        EXPECT_FALSE(seen.first(r));
    }
}
