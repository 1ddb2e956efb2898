// HEP (Homer Encapsulation Protocol, also called EEP): the packets SIP proxies mirror to a collector
// (Kamailio siptrace, OpenSIPS proto_hep, FreeSWITCH, Asterisk res_hep, heplify).
//
// HEPv1/v2 (Kamailio sipcapture hep.h): a fixed header — version, header length, address family (AF_INET 2
// or AF_INET6 10), IP protocol, source and destination ports (network order), the two addresses — then for
// v2 a time header (seconds, microseconds, little-endian, and a 16-bit capture id; 12 bytes as the C struct
// lays it out), then the payload up to the end of the datagram.
//
// HEPv3 (the HEP3 specification, sipcapture/hep): "HEP3", a 16-bit total length, then chunks of a 16-bit
// vendor id, a 16-bit type and a 16-bit length that counts the chunk's 6-byte header. Vendor 0 chunks read:
// 0x0001 IP family, 0x0002 IP protocol, 0x0003/0x0004 IPv4 source/destination, 0x0005/0x0006 IPv6
// source/destination, 0x0007/0x0008 ports, 0x0009 seconds, 0x000a microseconds, 0x000b payload protocol type
// (1 = SIP), 0x000c capture agent id, 0x000e authentication key, 0x000f payload, 0x0010 compressed payload
// (zlib or gzip: inflated), 0x0011 correlation id. Other types and other vendors' chunks are skipped by their
// length (counted). All integers are in network byte order.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace logcodes {

enum class HepStatus : std::uint8_t {
    ok = 0,
    too_short,        // shorter than any header
    bad_version,      // neither "HEP3" nor version 1/2
    bad_length,       // a header or chunk length that does not fit the packet
    bad_family,       // v1/v2: an address family that is neither IPv4 nor IPv6
    bad_chunk,        // v3: a vendor-0 chunk of type 0 or a fixed-size chunk of the wrong size
    no_payload,       // v3: no payload chunk
    bad_compressed,   // v3: a compressed payload that does not inflate (or inflates past kHepMaxPayload)
};
const char* hep_status_text(HepStatus s) noexcept;

// An inflated payload is refused beyond this (a HEP packet is at most 64 KiB; SIP over UDP much less).
inline constexpr std::size_t kHepMaxPayload = std::size_t{1} << 20;

// HEP3 payload protocol types (0x000b) this reader knows by name; 1 is the only one counted as SIP.
inline constexpr std::uint8_t kHepProtoSip = 1;

struct HepPacket {
    std::uint8_t version = 3;        // 1, 2 or 3
    std::uint8_t family = 2;         // 2 (IPv4) or 10 (IPv6), as Linux numbers them and the spec writes them
    std::uint8_t ip_proto = 17;      // 17 UDP, 6 TCP, 132 SCTP; Kamailio sends 22 for TLS and WebSocket
    std::array<std::uint8_t, 16> src{}, dst{};   // the first 4 bytes for IPv4
    std::uint16_t sport = 0, dport = 0;
    bool has_time = false;
    std::uint32_t ts_sec = 0, ts_usec = 0;
    std::uint8_t proto_type = kHepProtoSip;       // v1/v2 carry only SIP
    std::uint32_t capture_id = 0;                 // v2: 16 bits
    std::string_view auth_key, correlation_id;    // views into the packet
    std::string_view payload;                     // into the packet, or into the caller's scratch when inflated
    bool compressed = false;                      // the payload came from a 0x0010 chunk
    std::uint32_t skipped_chunks = 0;             // other vendors' chunks and vendor-0 types not read
    std::size_t size = 0;                         // bytes of the packet (v3: its total length; v1/v2: all)
    bool v6() const noexcept { return family == 10; }
};

// Decodes one HEP packet from the start of `bytes`. Views in `out` point into `bytes` (or into `scratch`,
// which holds an inflated payload). v3 reads exactly its total length: bytes after it are not its own (the
// next packet on a stream, garbage on a datagram). Never reads outside `bytes`.
HepStatus decode_hep(std::string_view bytes, HepPacket& out, std::string& scratch);

// On a stream (TCP), how long the HEP3 packet at the start of `buf` is: 0 while fewer than 6 bytes are
// there, SIZE_MAX when the bytes are not a HEP3 header (the stream cannot be framed any more).
std::size_t hep3_frame_length(std::string_view buf) noexcept;

// Encodes as HEPv3 (vendor-0 chunks in the order Kamailio's siptrace writes them; time chunks only when
// has_time; the correlation id and auth key when not empty; the payload deflated (zlib) into a 0x0010 chunk
// when `compress`). Empty when it would not fit the 16-bit total length. For tests, fuzzing and the replay
// benchmark; round-trips through decode_hep.
std::string encode_hep3(const HepPacket& p, bool compress = false);
// Encodes as HEPv2 (or v1 with p.version == 1: no time header), as Kamailio's siptrace writes it.
std::string encode_hep2(const HepPacket& p);

// The framing line text of a decoded packet's transport: 'U' UDP, 'T' TCP, 'S' SCTP, 'L' TLS/WebSocket
// (Kamailio's 22), '?' otherwise.
char hep_transport_letter(std::uint8_t ip_proto) noexcept;

// Appends the packet's payload as the text a capture becomes (capture_text.hpp), at its own time or, when it
// carries none, at `now_us` (microseconds since the epoch: the time it arrived).
void append_hep_message(const HepPacket& p, std::int64_t now_us, std::string& out);

}  // namespace logcodes
