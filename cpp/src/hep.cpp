#include "logcodes/hep.hpp"

#include <zlib.h>

#include <cstring>
#include <limits>

#include "logcodes/capture_text.hpp"

namespace logcodes {

const char* hep_status_text(HepStatus s) noexcept {
    switch (s) {
        case HepStatus::ok: return "ok";
        case HepStatus::too_short: return "shorter than a HEP header";
        case HepStatus::bad_version: return "not HEP (neither HEP3 nor version 1 or 2)";
        case HepStatus::bad_length: return "a length that does not fit the packet";
        case HepStatus::bad_family: return "an address family neither IPv4 nor IPv6";
        case HepStatus::bad_chunk: return "a chunk of type 0 or of the wrong size";
        case HepStatus::no_payload: return "no payload chunk";
        case HepStatus::bad_compressed: return "a compressed payload that does not inflate";
    }
    return "?";
}

namespace {

std::uint16_t be16(const unsigned char* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t be32(const unsigned char* p) {
    return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
           static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}
std::uint32_t le32(const unsigned char* p) {
    return static_cast<std::uint32_t>(p[3]) << 24 | static_cast<std::uint32_t>(p[2]) << 16 |
           static_cast<std::uint32_t>(p[1]) << 8 | p[0];
}
void put16(std::string& s, std::uint16_t v) {
    s.push_back(static_cast<char>(v >> 8));
    s.push_back(static_cast<char>(v & 0xff));
}
void put32(std::string& s, std::uint32_t v) {
    put16(s, static_cast<std::uint16_t>(v >> 16));
    put16(s, static_cast<std::uint16_t>(v & 0xffff));
}
void put32le(std::string& s, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// zlib or gzip (windowBits 15 + 32 reads both), then raw deflate; bounded by kHepMaxPayload.
bool inflate_into(std::string_view in, std::string& out) {
    for (int bits : {15 + 32, -15}) {
        z_stream z{};
        if (inflateInit2(&z, bits) != Z_OK) return false;
        out.clear();
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        z.avail_in = static_cast<uInt>(in.size());
        int rc = Z_OK;
        char buf[16384];
        while (rc == Z_OK) {
            z.next_out = reinterpret_cast<Bytef*>(buf);
            z.avail_out = sizeof buf;
            rc = inflate(&z, Z_NO_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END) break;
            out.append(buf, sizeof buf - z.avail_out);
            if (out.size() > kHepMaxPayload) {
                rc = Z_MEM_ERROR;
                break;
            }
            if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
                rc = Z_BUF_ERROR;  // the input ended inside the stream
                break;
            }
        }
        inflateEnd(&z);
        if (rc == Z_STREAM_END) return true;
    }
    out.clear();
    return false;
}

HepStatus decode_v2(const unsigned char* b, std::size_t n, HepPacket& out) {
    // hep_hdr: version, header length, family, protocol, source port, destination port (8 bytes)
    if (n < 8) return HepStatus::too_short;
    out.version = b[0];
    out.family = b[2];
    out.ip_proto = b[3];
    out.sport = be16(b + 4);
    out.dport = be16(b + 6);
    std::size_t addr = 0;
    if (out.family == 2) addr = 8;
    else if (out.family == 10) addr = 32;
    else return HepStatus::bad_family;
    std::size_t off = 8 + addr;
    // The header length names the fixed header and the addresses (what Kamailio writes and checks).
    if (b[1] != off) return HepStatus::bad_length;
    if (n < off) return HepStatus::bad_length;
    std::memcpy(out.src.data(), b + 8, addr / 2);
    std::memcpy(out.dst.data(), b + 8 + addr / 2, addr / 2);
    if (out.version == 2) {
        // hep_timehdr {uint32 sec, uint32 usec, uint16 captid}: 12 bytes with the struct's padding,
        // written little-endian by Kamailio (to_le) and read the same way by sipcapture.
        if (n < off + 12) return HepStatus::bad_length;
        out.has_time = true;
        out.ts_sec = le32(b + off);
        out.ts_usec = le32(b + off + 4);
        out.capture_id = static_cast<std::uint32_t>(b[off + 8] | b[off + 9] << 8);
        off += 12;
    }
    out.proto_type = kHepProtoSip;
    out.payload = std::string_view(reinterpret_cast<const char*>(b + off), n - off);
    out.size = n;
    return HepStatus::ok;
}

HepStatus decode_v3(const unsigned char* b, std::size_t n, HepPacket& out, std::string& scratch) {
    if (n < 6) return HepStatus::too_short;
    const std::size_t total = be16(b + 4);
    if (total < 6 || total > n) return HepStatus::bad_length;
    out.version = 3;
    out.size = total;
    bool payload = false, family = false, v6_address = false;
    std::size_t off = 6;
    while (off < total) {
        if (total - off < 6) return HepStatus::bad_length;
        const unsigned char* c = b + off;
        const std::uint16_t vendor = be16(c);
        const std::uint16_t type = be16(c + 2);
        const std::size_t len = be16(c + 4);
        if (len < 6 || len > total - off) return HepStatus::bad_length;
        const unsigned char* d = c + 6;
        const std::size_t dn = len - 6;
        off += len;
        if (vendor != 0) {
            ++out.skipped_chunks;
            continue;
        }
        auto fixed = [&](std::size_t want) { return dn == want; };
        switch (type) {
            case 0x0000: return HepStatus::bad_chunk;
            case 0x0001: if (!fixed(1)) return HepStatus::bad_chunk; out.family = d[0]; family = true; break;
            case 0x0002: if (!fixed(1)) return HepStatus::bad_chunk; out.ip_proto = d[0]; break;
            case 0x0003: case 0x0004:
                if (!fixed(4)) return HepStatus::bad_chunk;
                std::memcpy(type == 3 ? out.src.data() : out.dst.data(), d, 4);
                break;
            case 0x0005: case 0x0006:
                if (!fixed(16)) return HepStatus::bad_chunk;
                std::memcpy(type == 5 ? out.src.data() : out.dst.data(), d, 16);
                v6_address = true;
                break;
            case 0x0007: if (!fixed(2)) return HepStatus::bad_chunk; out.sport = be16(d); break;
            case 0x0008: if (!fixed(2)) return HepStatus::bad_chunk; out.dport = be16(d); break;
            case 0x0009: if (!fixed(4)) return HepStatus::bad_chunk; out.ts_sec = be32(d); out.has_time = true; break;
            case 0x000a: if (!fixed(4)) return HepStatus::bad_chunk; out.ts_usec = be32(d); break;
            case 0x000b: if (!fixed(1)) return HepStatus::bad_chunk; out.proto_type = d[0]; break;
            case 0x000c:
                // 32 bits per the specification; some agents send 16
                if (dn == 4) out.capture_id = be32(d);
                else if (dn == 2) out.capture_id = be16(d);
                else return HepStatus::bad_chunk;
                break;
            case 0x000e: out.auth_key = std::string_view(reinterpret_cast<const char*>(d), dn); break;
            case 0x000f:
                out.payload = std::string_view(reinterpret_cast<const char*>(d), dn);
                out.compressed = false;
                payload = true;
                break;
            case 0x0010:
                if (!inflate_into(std::string_view(reinterpret_cast<const char*>(d), dn), scratch))
                    return HepStatus::bad_compressed;
                out.payload = scratch;
                out.compressed = true;
                payload = true;
                break;
            case 0x0011: out.correlation_id = std::string_view(reinterpret_cast<const char*>(d), dn); break;
            default: ++out.skipped_chunks; break;
        }
    }
    if (!payload) return HepStatus::no_payload;
    // The family chunk says which addresses count; without one, the address chunks that came do.
    if (!family) out.family = v6_address ? 10 : 2;
    // Microseconds beyond a second are a sender's bug: keep the time readable.
    if (out.ts_usec > 999'999) out.ts_usec = 999'999;
    return HepStatus::ok;
}

}  // namespace

HepStatus decode_hep(std::string_view bytes, HepPacket& out, std::string& scratch) {
    out = HepPacket{};
    const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t n = bytes.size();
    if (n < 4) return HepStatus::too_short;
    if (std::memcmp(b, "HEP3", 4) == 0) return decode_v3(b, n, out, scratch);
    if (b[0] == 1 || b[0] == 2) {
        const HepStatus s = decode_v2(b, n, out);
        if (s == HepStatus::ok && out.version == 2 && out.ts_usec > 999'999) out.ts_usec = 999'999;
        return s;
    }
    return HepStatus::bad_version;
}

std::size_t hep3_frame_length(std::string_view buf) noexcept {
    if (buf.size() < 6) return 0;
    if (std::memcmp(buf.data(), "HEP3", 4) != 0) return std::numeric_limits<std::size_t>::max();
    const std::size_t total = be16(reinterpret_cast<const unsigned char*>(buf.data()) + 4);
    return total < 6 ? std::numeric_limits<std::size_t>::max() : total;
}

std::string encode_hep3(const HepPacket& p, bool compress) {
    std::string s("HEP3\0\0", 6);
    auto chunk = [&](std::uint16_t type, std::size_t len) {
        put16(s, 0);
        put16(s, type);
        put16(s, static_cast<std::uint16_t>(len + 6));
    };
    auto u8 = [&](std::uint16_t type, std::uint8_t v) { chunk(type, 1); s.push_back(static_cast<char>(v)); };
    auto data = [&](std::uint16_t type, std::string_view v) {
        if (v.size() > 0xffff - 6) return false;
        chunk(type, v.size());
        s.append(v);
        return true;
    };
    u8(0x0001, p.family);
    u8(0x0002, p.ip_proto);
    const bool v6 = p.v6();
    const std::string_view src(reinterpret_cast<const char*>(p.src.data()), v6 ? 16 : 4);
    const std::string_view dst(reinterpret_cast<const char*>(p.dst.data()), v6 ? 16 : 4);
    data(v6 ? 0x0005 : 0x0003, src);
    data(v6 ? 0x0006 : 0x0004, dst);
    chunk(0x0007, 2); put16(s, p.sport);
    chunk(0x0008, 2); put16(s, p.dport);
    if (p.has_time) {
        chunk(0x0009, 4); put32(s, p.ts_sec);
        chunk(0x000a, 4); put32(s, p.ts_usec);
    }
    u8(0x000b, p.proto_type);
    chunk(0x000c, 4); put32(s, p.capture_id);
    if (!p.correlation_id.empty() && !data(0x0011, p.correlation_id)) return {};
    if (!p.auth_key.empty() && !data(0x000e, p.auth_key)) return {};
    if (compress) {
        uLongf cap = compressBound(static_cast<uLong>(p.payload.size()));
        std::string z(cap, '\0');
        if (compress2(reinterpret_cast<Bytef*>(z.data()), &cap, reinterpret_cast<const Bytef*>(p.payload.data()),
                      static_cast<uLong>(p.payload.size()), Z_DEFAULT_COMPRESSION) != Z_OK)
            return {};
        z.resize(cap);
        if (!data(0x0010, z)) return {};
    } else if (!data(0x000f, p.payload)) {
        return {};
    }
    if (s.size() > 0xffff) return {};
    s[4] = static_cast<char>(s.size() >> 8);
    s[5] = static_cast<char>(s.size() & 0xff);
    return s;
}

std::string encode_hep2(const HepPacket& p) {
    const bool v6 = p.v6();
    const std::size_t addr = v6 ? 32 : 8;
    std::string s;
    s.push_back(static_cast<char>(p.version == 1 ? 1 : 2));
    s.push_back(static_cast<char>(8 + addr));
    s.push_back(static_cast<char>(v6 ? 10 : 2));
    s.push_back(static_cast<char>(p.ip_proto));
    put16(s, p.sport);
    put16(s, p.dport);
    s.append(reinterpret_cast<const char*>(p.src.data()), addr / 2);
    s.append(reinterpret_cast<const char*>(p.dst.data()), addr / 2);
    if (p.version != 1) {
        put32le(s, p.ts_sec);
        put32le(s, p.ts_usec);
        s.push_back(static_cast<char>(p.capture_id & 0xff));
        s.push_back(static_cast<char>((p.capture_id >> 8) & 0xff));
        s.append(2, '\0');  // the C struct's padding
    }
    s.append(p.payload);
    return s;
}

char hep_transport_letter(std::uint8_t ip_proto) noexcept {
    switch (ip_proto) {
        case 17: return 'U';
        case 6: return 'T';
        case 132: return 'S';
        case 22: return 'L';
        default: return '?';
    }
}

void append_hep_message(const HepPacket& p, std::int64_t now_us, std::string& out) {
    thread_local std::string label;   // reused: no allocation per message
    label.clear();
    append_flow_label(label, hep_transport_letter(p.ip_proto), p.src.data(), p.dst.data(), p.v6(), p.sport, p.dport);
    if (p.has_time) append_captured_message(out, p.ts_sec, p.ts_usec, label, p.payload);
    else append_captured_message(out, now_us / 1'000'000, now_us % 1'000'000, label, p.payload);
}

}  // namespace logcodes
