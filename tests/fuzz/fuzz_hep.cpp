// HEP packets (hep.hpp): any bytes decode or are refused with a reason, never read outside the packet. A
// decoded packet re-encodes to one that decodes to the same fields and payload, trailing bytes after a HEPv3
// packet change nothing, and its SIP payload is read as a trace like a capture's.
#include "fuzz_support.hpp"

#include "logcodes/hep.hpp"

using namespace logcodes;

namespace {

void same(const HepPacket& a, const HepPacket& b, bool time_and_capture_id) {
    FUZZ_CHECK(a.family == b.family);
    FUZZ_CHECK(a.ip_proto == b.ip_proto);
    FUZZ_CHECK(a.sport == b.sport && a.dport == b.dport);
    const std::size_t n = a.v6() ? 16 : 4;
    FUZZ_CHECK(std::memcmp(a.src.data(), b.src.data(), n) == 0 && std::memcmp(a.dst.data(), b.dst.data(), n) == 0);
    FUZZ_CHECK(a.proto_type == b.proto_type);
    FUZZ_CHECK(a.payload == b.payload);
    if (time_and_capture_id) {
        FUZZ_CHECK(a.has_time == b.has_time);
        FUZZ_CHECK(!a.has_time || (a.ts_sec == b.ts_sec && a.ts_usec == b.ts_usec));
        FUZZ_CHECK(a.capture_id == b.capture_id);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    HepPacket p;
    std::string scratch;
    const HepStatus s = decode_hep(bytes, p, scratch);
    FUZZ_CHECK(hep_status_text(s) != nullptr);
    if (s != HepStatus::ok) return 0;
    FUZZ_CHECK(p.size <= size);
    FUZZ_CHECK(p.payload.size() <= std::max(size, kHepMaxPayload));
    fuzz::touch(p.payload);
    fuzz::touch(p.correlation_id);
    fuzz::touch(p.auth_key);
    // Only the packet's own bytes count: the same packet followed by anything decodes the same (v3 knows its
    // length; v1/v2 run to the end of the datagram).
    if (p.version == 3) {
        HepPacket q;
        std::string scratch2;
        const std::string longer = bytes + "\r\n\r\nSIP/2.0 500 trailing\r\n";   // q's views point into it
        FUZZ_CHECK(decode_hep(longer, q, scratch2) == HepStatus::ok);
        same(p, q, true);
        FUZZ_CHECK(q.size == p.size);
        FUZZ_CHECK(hep3_frame_length(bytes) == p.size);
    }
    // Re-encoded (v3, plain and compressed; v2 as Kamailio lays it out), it decodes to the same packet.
    // HEPv3 stores only what its chunks hold: an IPv4 address is 4 bytes, a missing time stays missing.
    for (int compress = 0; compress < 2; ++compress) {
        const std::string wire = encode_hep3(p, compress == 1);
        if (wire.empty()) continue;   // the payload does not fit a 16-bit length
        HepPacket r;
        std::string scratch3;
        FUZZ_CHECK(decode_hep(wire, r, scratch3) == HepStatus::ok);
        FUZZ_CHECK(r.compressed == (compress == 1));
        same(p, r, true);
    }
    if (p.family == 2 || p.family == 10) {
        HepPacket v2 = p;
        v2.version = 2;
        v2.proto_type = kHepProtoSip;   // v1/v2 carry SIP only
        v2.ts_sec = p.has_time ? p.ts_sec : 0;
        v2.ts_usec = p.has_time ? p.ts_usec : 0;
        v2.capture_id = p.capture_id & 0xffff;
        v2.has_time = true;
        const std::string wire = encode_hep2(v2);
        HepPacket r;
        std::string scratch4;
        FUZZ_CHECK(decode_hep(wire, r, scratch4) == HepStatus::ok);
        FUZZ_CHECK(r.version == 2);
        same(v2, r, true);
    }
    // The payload read as a capture's message.
    std::string text;
    append_hep_message(p, 0, text);
    const Format* trace = find_format("sip_trace");
    FUZZ_CHECK(trace != nullptr);
    fuzz::scan_bytes(trace, text, 1 << 16, 16u << 20);
    return 0;
}
