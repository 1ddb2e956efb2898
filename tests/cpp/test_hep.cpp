// HEP decoding (hep.hpp) and the collector socket (hep_receiver.hpp): HEPv1/v2/v3 as Kamailio's siptrace
// writes them, chunks skipped by length, compressed payloads, malformed packets refused with a reason, and
// the messages read by the sip_trace format like a capture's.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <string>

#include "logcodes/hep.hpp"
#include "logcodes/hep_receiver.hpp"
#include "logcodes/scan_options.hpp"
#include "logcodes/stream.hpp"

namespace {

using namespace logcodes;

const std::string kInvite =
    "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\n"
    "From: <sip:alice@example.com>;tag=a\r\nTo: <sip:bob@example.com>\r\nCall-ID: c1@x\r\nCSeq: 1 INVITE\r\n"
    "Content-Length: 0\r\n\r\n";
const std::string kBusy =
    "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\n"
    "From: <sip:alice@example.com>;tag=a\r\nTo: <sip:bob@example.com>;tag=b\r\nCall-ID: c1@x\r\nCSeq: 1 INVITE\r\n"
    "Content-Length: 0\r\n\r\n";

HepPacket sample_packet(const std::string& payload) {
    HepPacket p;
    p.family = 2;
    p.ip_proto = 17;
    p.src = {10, 0, 0, 1};
    p.dst = {10, 0, 0, 2};
    p.sport = 5060;
    p.dport = 5080;
    p.has_time = true;
    p.ts_sec = 1'795'000'000;
    p.ts_usec = 123'456;
    p.capture_id = 2001;
    p.correlation_id = "corr-1";
    p.payload = payload;
    return p;
}

void expect_same(const HepPacket& a, const HepPacket& b) {
    EXPECT_EQ(a.family, b.family);
    EXPECT_EQ(a.ip_proto, b.ip_proto);
    EXPECT_EQ(a.src, b.src);
    EXPECT_EQ(a.dst, b.dst);
    EXPECT_EQ(a.sport, b.sport);
    EXPECT_EQ(a.dport, b.dport);
    EXPECT_EQ(a.has_time, b.has_time);
    EXPECT_EQ(a.ts_sec, b.ts_sec);
    EXPECT_EQ(a.ts_usec, b.ts_usec);
    EXPECT_EQ(a.proto_type, b.proto_type);
    EXPECT_EQ(a.capture_id, b.capture_id);
    EXPECT_EQ(a.correlation_id, b.correlation_id);
    EXPECT_EQ(a.payload, b.payload);
}

void put16(std::string& s, unsigned v) {
    s.push_back(static_cast<char>(v >> 8));
    s.push_back(static_cast<char>(v & 0xff));
}

// A HEP3 packet written by hand, chunk by chunk: (vendor, type, data).
std::string hep3(const std::vector<std::tuple<unsigned, unsigned, std::string>>& chunks) {
    std::string body;
    for (const auto& [vendor, type, data] : chunks) {
        put16(body, vendor);
        put16(body, type);
        put16(body, static_cast<unsigned>(data.size() + 6));
        body += data;
    }
    std::string s = "HEP3";
    put16(s, static_cast<unsigned>(body.size() + 6));
    return s + body;
}

TEST(Hep, Version3RoundTrip) {
    const HepPacket p = sample_packet(kInvite);
    const std::string wire = encode_hep3(p);
    ASSERT_FALSE(wire.empty());
    HepPacket d;
    std::string scratch;
    ASSERT_EQ(decode_hep(wire, d, scratch), HepStatus::ok);
    EXPECT_EQ(d.version, 3);
    EXPECT_EQ(d.size, wire.size());
    EXPECT_FALSE(d.compressed);
    expect_same(p, d);
}

TEST(Hep, Version3IPv6AndCompressedPayload) {
    HepPacket p = sample_packet(kBusy);
    p.family = 10;
    for (int i = 0; i < 16; ++i) {
        p.src[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(0x20 + i);
        p.dst[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(0x40 + i);
    }
    const std::string wire = encode_hep3(p, /*compress=*/true);
    ASSERT_FALSE(wire.empty());
    EXPECT_EQ(wire.find("SIP/2.0 486"), std::string::npos);   // the payload really is deflated
    HepPacket d;
    std::string scratch;
    ASSERT_EQ(decode_hep(wire, d, scratch), HepStatus::ok);
    EXPECT_TRUE(d.compressed);
    EXPECT_TRUE(d.v6());
    expect_same(p, d);
}

TEST(Hep, OtherVendorsAndUnknownTypesAreSkippedByLength) {
    std::string u8(1, '\x02'), port(2, '\0');
    const std::string wire = hep3({{0, 1, u8},
                                   {0x0002, 0x0001, "vendor's own"},   // Kamailio's vendor id, type 1
                                   {0, 0x0003, std::string("\x0a\x00\x00\x01", 4)},
                                   {0, 0x0099, "unknown type"},
                                   {0, 0x0012, "\x01\x02"},             // VLAN id: not read
                                   {0, 0x000f, kInvite}});
    HepPacket d;
    std::string scratch;
    ASSERT_EQ(decode_hep(wire, d, scratch), HepStatus::ok);
    EXPECT_EQ(d.skipped_chunks, 3u);
    EXPECT_EQ(d.family, 2);
    EXPECT_EQ(d.src[0], 10);
    EXPECT_EQ(d.payload, kInvite);
    EXPECT_FALSE(d.has_time);
}

TEST(Hep, FamilyFromItsChunkElseFromTheAddresses) {
    HepPacket d;
    std::string scratch;
    const std::string v6(16, '\x20'), v4("\x0a\x00\x00\x01", 4);
    ASSERT_EQ(decode_hep(hep3({{0, 0x0005, v6}, {0, 0x0006, v6}, {0, 0x000f, kInvite}}), d, scratch), HepStatus::ok);
    EXPECT_EQ(d.family, 10);
    ASSERT_EQ(decode_hep(hep3({{0, 0x0003, v4}, {0, 0x000f, kInvite}}), d, scratch), HepStatus::ok);
    EXPECT_EQ(d.family, 2);
    // A family chunk is taken as it is: addresses of the other family do not change it.
    const std::string mixed = hep3({{0, 0x0001, "\x0a"}, {0, 0x0003, v4}, {0, 0x000f, kInvite}});
    ASSERT_EQ(decode_hep(mixed, d, scratch), HepStatus::ok);
    EXPECT_EQ(d.family, 10);
}

TEST(Hep, TrailingBytesAreNotThePacketsOwn) {
    const std::string wire = encode_hep3(sample_packet(kInvite));
    HepPacket a, b;
    std::string s1, s2;
    ASSERT_EQ(decode_hep(wire, a, s1), HepStatus::ok);
    const std::string longer = wire + "garbage\r\n\r\nmore";   // the decoded views point into it
    ASSERT_EQ(decode_hep(longer, b, s2), HepStatus::ok);
    EXPECT_EQ(a.payload, b.payload);
    EXPECT_EQ(b.size, wire.size());
    EXPECT_EQ(hep3_frame_length(wire + "xx"), wire.size());
    EXPECT_EQ(hep3_frame_length(wire.substr(0, 5)), 0u);
    EXPECT_EQ(hep3_frame_length(std::string_view("HEQ3\x00\x10", 6)), SIZE_MAX);
}

TEST(Hep, Version2AsKamailioWritesIt) {
    // hep_hdr {2, 16, AF_INET, UDP, sport, dport} (ports in network order), the addresses, then
    // hep_timehdr {sec, usec (little-endian), captid (16 bits), 2 bytes of padding}, then the payload.
    std::string wire = {2, 16, 2, 17};
    put16(wire, 5060);
    put16(wire, 35060);
    wire += std::string("\x7f\x00\x00\x01\x7f\x00\x00\x02", 8);
    wire += std::string("\x10\x32\x54\x76", 4);   // 0x76543210
    wire += std::string("\x40\xe2\x01\x00", 4);   // 123456
    wire += std::string("\xd1\x07\x00\x00", 4);   // capture id 2001 + padding
    wire += kBusy;
    HepPacket d;
    std::string scratch;
    ASSERT_EQ(decode_hep(wire, d, scratch), HepStatus::ok);
    EXPECT_EQ(d.version, 2);
    EXPECT_EQ(d.sport, 5060);
    EXPECT_EQ(d.dport, 35060);
    EXPECT_EQ(d.dst[3], 2);
    EXPECT_EQ(d.ts_sec, 0x76543210u);
    EXPECT_EQ(d.ts_usec, 123456u);
    EXPECT_EQ(d.capture_id, 2001u);
    EXPECT_EQ(d.payload, kBusy);
    // ... and the encoder writes the same bytes.
    HepPacket p = d;
    EXPECT_EQ(encode_hep2(p), wire);
}

TEST(Hep, Version1HasNoTime) {
    HepPacket p = sample_packet(kInvite);
    p.version = 1;
    p.family = 10;
    const std::string wire = encode_hep2(p);
    HepPacket d;
    std::string scratch;
    ASSERT_EQ(decode_hep(wire, d, scratch), HepStatus::ok);
    EXPECT_EQ(d.version, 1);
    EXPECT_FALSE(d.has_time);
    EXPECT_EQ(d.src, p.src);
    EXPECT_EQ(d.payload, kInvite);
}

TEST(Hep, MalformedPacketsSayWhy) {
    HepPacket d;
    std::string scratch;
    const std::string good = encode_hep3(sample_packet(kInvite));
    EXPECT_EQ(decode_hep("HE", d, scratch), HepStatus::too_short);
    EXPECT_EQ(decode_hep("GET / HTTP/1.1\r\n", d, scratch), HepStatus::bad_version);
    EXPECT_EQ(decode_hep(good.substr(0, good.size() - 1), d, scratch), HepStatus::bad_length);  // cut
    EXPECT_EQ(decode_hep(hep3({{0, 0x000f, kInvite}, {0, 0, ""}}), d, scratch), HepStatus::bad_chunk);
    EXPECT_EQ(decode_hep(hep3({{0, 0x0007, "123"}, {0, 0x000f, kInvite}}), d, scratch), HepStatus::bad_chunk);
    EXPECT_EQ(decode_hep(hep3({{0, 0x0001, "\x02"}}), d, scratch), HepStatus::no_payload);
    EXPECT_EQ(decode_hep(hep3({{0, 0x0010, "not deflate"}}), d, scratch), HepStatus::bad_compressed);
    // A chunk whose length is shorter than its header, or runs past the packet.
    std::string bad = hep3({{0, 0x000f, kInvite}});
    bad[10] = 0;
    bad[11] = 3;
    EXPECT_EQ(decode_hep(bad, d, scratch), HepStatus::bad_length);
    bad[10] = '\x7f';
    EXPECT_EQ(decode_hep(bad, d, scratch), HepStatus::bad_length);
    std::string v2 = {2, 16, 7, 17, 0, 0, 0, 0};   // family 7
    EXPECT_EQ(decode_hep(v2 + std::string(40, 'x'), d, scratch), HepStatus::bad_family);
    std::string v2short = {2, 16, 2, 17, 0, 0, 0, 0, 1, 2};
    EXPECT_EQ(decode_hep(v2short, d, scratch), HepStatus::bad_length);
    // Every cut of a good packet is refused, never read past its end.
    for (std::size_t n = 0; n < good.size(); ++n) EXPECT_NE(decode_hep(good.substr(0, n), d, scratch), HepStatus::ok);
}

// The responses by code of a text, and how many messages (responses and requests) it held.
std::map<std::int64_t, std::uint64_t> codes_of(const std::string& text, std::uint64_t& total) {
    StreamScanner s(options_for("sip_trace", GroupSpec{{Dim::code}, 3600}, CountLevel::messages));
    s.feed(text);
    s.finish();
    std::map<std::int64_t, std::uint64_t> out;
    s.counts().for_each([&](std::span<const KeyValue> k, std::uint64_t n) { out[k[0].number] += n; });
    total = s.stats().total + s.stats().requests;
    EXPECT_EQ(s.stats().unparsed, 0u);
    return out;
}

TEST(Hep, MessagesReadAsACapturesAre) {
    std::string text;
    append_hep_message(sample_packet(kInvite), 0, text);
    append_hep_message(sample_packet(kBusy), 0, text);
    EXPECT_TRUE(text.starts_with("#logcodes-pcap 2026-11-18 "));
    EXPECT_NE(text.find(" U 10.0.0.1:5060 -> 10.0.0.2:5080\n"), std::string::npos);
    std::uint64_t total = 0;
    const auto codes = codes_of(text, total);
    EXPECT_EQ(total, 2u);
    EXPECT_EQ(codes.at(486), 1u);
}

int udp_sender() { return ::socket(AF_INET, SOCK_DGRAM, 0); }

sockaddr_in address_of(const std::string& url) {
    // "udp://127.0.0.1:PORT"
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1))));
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    return a;
}

std::string poll_all(HepReceiver& r, std::uint64_t want_packets) {
    std::string out;
    for (int i = 0; i < 100 && r.stats().packets < want_packets; ++i) r.poll(20, out);
    return out;
}

TEST(HepReceiver, UdpCountsEveryPacket) {
    Error err;
    auto r = HepReceiver::open("udp://127.0.0.1:0", err);
    ASSERT_TRUE(r) << err.message;
    EXPECT_TRUE(r->address().starts_with("udp://127.0.0.1:"));
    const sockaddr_in to = address_of(r->address());
    const int fd = udp_sender();
    const std::string rtcp_payload = "\x80\xc8 rtcp report";   // the packet's payload is a view into it
    HepPacket rtcp = sample_packet(rtcp_payload);
    rtcp.proto_type = 5;
    HepPacket v2 = sample_packet(kBusy);
    v2.version = 2;
    const std::string packets[] = {encode_hep3(sample_packet(kInvite)), encode_hep2(v2), encode_hep3(rtcp),
                                   "\x16\x03\x01 not hep", encode_hep3(sample_packet(kBusy), true)};
    for (const auto& p : packets)
        ::sendto(fd, p.data(), p.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    ::close(fd);
    const std::string text = poll_all(*r, 5);
    const HepReceiverStats& s = r->stats();
    EXPECT_EQ(s.packets, 5u);
    EXPECT_EQ(s.messages, 3u);
    EXPECT_EQ(s.not_sip, 1u);
    EXPECT_EQ(s.malformed, 1u);
    EXPECT_EQ(s.compressed, 1u);
    EXPECT_EQ(s.by_status[static_cast<std::size_t>(HepStatus::bad_version)], 1u);
    const auto samples = r->take_samples();
    ASSERT_EQ(samples.size(), 1u);
    EXPECT_TRUE(samples[0].peer.starts_with("127.0.0.1:"));
    EXPECT_TRUE(samples[0].head.starts_with("\\x16\\x03\\x01 not hep"));
    EXPECT_TRUE(r->take_samples().empty());
    std::uint64_t total = 0;
    const auto codes = codes_of(text, total);
    EXPECT_EQ(total, 3u);
    EXPECT_EQ(codes.at(486), 2u);
}

TEST(HepReceiver, TcpFramesPacketsAcrossSegments) {
    Error err;
    auto r = HepReceiver::open("tcp://127.0.0.1:0", err);
    ASSERT_TRUE(r) << err.message;
    sockaddr_in to = address_of(r->address());
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to), 0);
    const std::string bytes = encode_hep3(sample_packet(kInvite)) + encode_hep3(sample_packet(kBusy));
    std::string out;
    // Three pieces cut inside headers and payloads, each read before the next is sent.
    for (std::size_t at : {std::size_t{0}, std::size_t{3}, bytes.size() / 2 + 1}) {
        const std::size_t end = at == 0 ? 3 : at == 3 ? bytes.size() / 2 + 1 : bytes.size();
        ASSERT_EQ(::send(fd, bytes.data() + at, end - at, 0), static_cast<ssize_t>(end - at));
        for (int i = 0; i < 5; ++i) r->poll(20, out);
    }
    ::send(fd, "junk!!", 6, 0);   // not HEP3: the stream is given up, counted
    for (int i = 0; i < 10 && r->stats().stream_errors == 0; ++i) r->poll(20, out);
    ::close(fd);
    EXPECT_EQ(r->stats().connections, 1u);
    EXPECT_EQ(r->stats().packets, 2u);
    EXPECT_EQ(r->stats().messages, 2u);
    EXPECT_EQ(r->stats().stream_errors, 1u);
    std::uint64_t total = 0;
    codes_of(out, total);
    EXPECT_EQ(total, 2u);
}

TEST(HepReceiver, BadAddressesAreRefused) {
    Error err;
    EXPECT_FALSE(HepReceiver::open("http://127.0.0.1:9060", err));
    EXPECT_EQ(err.kind, ErrorKind::bad_argument);
    EXPECT_FALSE(HepReceiver::open("udp://127.0.0.1", err));
    EXPECT_FALSE(HepReceiver::open("udp://127.0.0.1:99999", err));
    EXPECT_FALSE(HepReceiver::open("udp://[::1:9060", err));
}

}  // namespace
