#include "logcodes/packet_decoder.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "logcodes/capture_text.hpp"

namespace logcodes {

namespace {

std::uint16_t be16(const unsigned char* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t be32(const unsigned char* p) {
    return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
           static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}

bool sip_start(std::string_view s) {
    if (s.starts_with("SIP/2.0 ")) return true;
    const std::size_t eol = s.find('\n');
    std::string_view line = s.substr(0, eol);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.ends_with(" SIP/2.0")) return false;
    for (char c : line.substr(0, line.find(' ')))
        if (!(c >= 'A' && c <= 'Z')) return false;
    return true;
}

// Content-Length (or compact "l:") of a header block; -1 when absent.
long content_length(std::string_view headers) {
    std::size_t p = 0;
    while (p < headers.size()) {
        std::size_t e = headers.find('\n', p);
        if (e == std::string_view::npos) e = headers.size();
        std::string_view line = headers.substr(p, e - p);
        const std::size_t colon = line.find(':');
        if (colon != std::string_view::npos) {
            std::string_view name = line.substr(0, colon);
            while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
            std::string lower(name);
            for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (lower == "content-length" || lower == "l") {
                long v = 0;
                for (char c : line.substr(colon + 1)) {
                    if (c == ' ' || c == '\t') continue;
                    if (c < '0' || c > '9') break;
                    v = v * 10 + (c - '0');
                    if (v > (16 << 20)) break;
                }
                return v;
            }
        }
        p = e + 1;
    }
    return -1;
}

struct Flow {
    std::int64_t last_seen = 0;                    // capture time of its last packet, seconds
    bool have_seq = false;
    std::uint32_t next_seq = 0;
    std::string data;                              // in-order bytes not yet framed into messages
    std::map<std::uint32_t, std::string> pending;  // segments that arrived early, by sequence number
    bool websocket = false;
    bool sip = false;                              // this stream has carried SIP
    std::string ws_message;                        // a fragmented WebSocket message being joined
    std::string label;                             // "T src -> dst" for framing lines
};

// One IPv4 datagram being joined from its fragments.
struct Fragments {
    std::map<std::uint32_t, std::string> pieces;  // by offset
    std::uint32_t end = 0;                        // the datagram's length, once its last fragment came
    std::int64_t first_seen = 0;                  // capture time, seconds
};

}  // namespace

class PacketDecoder::Impl {
public:
    bool packet(int link_type, timeval ts, const unsigned char* data, std::uint32_t caplen) {
        ts_ = ts;
        emitted_ = false;
        link(link_type, data, caplen, 0);
        return emitted_;
    }

    // End of the capture: what the streams still hold is written out as it is.
    void flush() {
        for (auto& [key, flow] : flows_) {
            if (!flow.data.empty()) emit(flow.label, flow.data);
        }
        flows_.clear();
    }

    std::string out_;
    std::uint64_t messages_ = 0;
    std::uint64_t evicted_ = 0;                // fragment sets and flows dropped by the bounds

private:
    void link(int type, const unsigned char* p, std::uint32_t n, int depth) {
        if (depth > 4) return;
        switch (type) {
            case DLT_EN10MB: {
                if (n < 14) return;
                std::uint16_t et = be16(p + 12);
                std::uint32_t off = 14;
                while ((et == 0x8100 || et == 0x88a8) && n >= off + 4) {  // VLAN tags
                    et = be16(p + off + 2);
                    off += 4;
                }
                ethertype(et, p + off, n - off, depth);
                return;
            }
            case DLT_LINUX_SLL:
                if (n >= 16) ethertype(be16(p + 14), p + 16, n - 16, depth);
                return;
            case DLT_LINUX_SLL2:
                if (n >= 20) ethertype(be16(p), p + 20, n - 20, depth);
                return;
            case DLT_NULL: case DLT_LOOP:
                if (n >= 4) ip(p + 4, n - 4, depth);
                return;
            case DLT_RAW: case DLT_IPV4: case DLT_IPV6: case 101:
                ip(p, n, depth);
                return;
            default: return;
        }
    }

    void ethertype(std::uint16_t et, const unsigned char* p, std::uint32_t n, int depth) {
        if (et == 0x0800 || et == 0x86dd) ip(p, n, depth);
    }

    void ip(const unsigned char* p, std::uint32_t n, int depth) {
        if (n < 1) return;
        if ((p[0] >> 4) == 4) {
            if (n < 20) return;
            const std::uint32_t ihl = (p[0] & 0x0fu) * 4;
            // The captured bytes may end before the header does: check the header against what is there.
            const std::uint32_t total = std::min<std::uint32_t>(be16(p + 2), n);
            if (ihl < 20 || total < ihl) return;
            const std::uint16_t frag = be16(p + 6);
            const bool more = frag & 0x2000;
            const std::uint32_t offset = (frag & 0x1fffu) * 8;
            const unsigned char proto = p[9];
            if (more || offset) {  // a fragment: join them by (src, dst, id, proto)
                std::string key(reinterpret_cast<const char*>(p + 12), 8);
                key.append(reinterpret_cast<const char*>(p + 4), 2).push_back(static_cast<char>(proto));
                std::string whole;
                if (fragment(key, offset, std::string_view(reinterpret_cast<const char*>(p + ihl), total - ihl), more,
                             whole))
                    transport(proto, p + 12, p + 16, false, reinterpret_cast<const unsigned char*>(whole.data()),
                              static_cast<std::uint32_t>(whole.size()), depth);
                return;
            }
            transport(proto, p + 12, p + 16, false, p + ihl, total - ihl, depth);
            return;
        }
        if ((p[0] >> 4) == 6) {
            if (n < 40) return;
            unsigned char next = p[6];
            std::uint32_t off = 40;
            std::uint32_t end = std::min<std::uint32_t>(n, 40u + be16(p + 4));
            // Extension headers: hop-by-hop, routing, destination options (fragments are rare for SIP: skipped).
            while ((next == 0 || next == 43 || next == 60) && end >= off + 8) {
                next = p[off];
                off += (static_cast<std::uint32_t>(p[off + 1]) + 1) * 8;
            }
            if (off > end) return;
            transport(next, p + 8, p + 24, true, p + off, end - off, depth);
        }
    }

    void transport(unsigned char proto, const unsigned char* src, const unsigned char* dst, bool v6,
                   const unsigned char* p, std::uint32_t n, int depth) {
        switch (proto) {
            case 17: {  // UDP: one datagram, one (or, rarely, several) messages
                if (n < 8) return;
                const std::uint32_t len = std::min<std::uint32_t>(n, std::max<std::uint32_t>(8, be16(p + 4)));
                std::string_view payload(reinterpret_cast<const char*>(p + 8), len - 8);
                if (sip_start(payload)) emit(flow_label('U', src, dst, v6, be16(p), be16(p + 2)), payload);
                return;
            }
            case 6: tcp(src, dst, v6, p, n); return;
            case 132: sctp(src, dst, v6, p, n); return;
            case 47: gre(p, n, depth); return;
            case 4: case 41: ip(p, n, depth + 1); return;  // IP in IP
            default: return;
        }
    }

    void gre(const unsigned char* p, std::uint32_t n, int depth) {
        if (n < 4) return;
        const std::uint16_t flags = be16(p);
        const std::uint16_t proto = be16(p + 2);
        std::uint32_t off = 4;
        if (flags & 0x8000) off += 4;  // checksum
        if (flags & 0x2000) off += 4;  // key
        if (flags & 0x1000) off += 4;  // sequence
        if (off > n) return;
        if (proto == 0x88be) {  // ERSPAN type II (type I carries no header and no sequence bit)
            if (flags & 0x1000) off += 8;
            if (off <= n) link(DLT_EN10MB, p + off, n - off, depth + 1);
        } else if (proto == 0x22eb) {  // ERSPAN type III
            if (off + 12 > n) return;
            const bool optional = p[off + 11] & 0x01;
            off += 12 + (optional ? 8 : 0);
            if (off <= n) link(DLT_EN10MB, p + off, n - off, depth + 1);
        } else if (proto == 0x6558) {
            link(DLT_EN10MB, p + off, n - off, depth + 1);
        } else if (proto == 0x0800 || proto == 0x86dd) {
            ip(p + off, n - off, depth + 1);
        }
    }

    void sctp(const unsigned char* src, const unsigned char* dst, bool v6, const unsigned char* p, std::uint32_t n) {
        if (n < 12) return;
        const std::string label = flow_label('S', src, dst, v6, be16(p), be16(p + 2));
        std::uint32_t off = 12;
        while (off + 4 <= n) {
            const unsigned char type = p[off];
            const std::uint32_t len = be16(p + off + 2);
            if (len < 4 || off + len > n) break;
            if (type == 0 && len > 16) {  // DATA: 16-byte chunk header, then user data
                std::string_view payload(reinterpret_cast<const char*>(p + off + 16), len - 16);
                if (sip_start(payload)) emit(label, payload);
            }
            off += (len + 3) & ~3u;
        }
    }

    // Adds one IPv4 fragment; true with the datagram in `whole` once every byte of it is there. Fragments
    // are kept as the pieces that came (memory follows the bytes received, not the offsets claimed), and
    // the table is bounded: sets older than kFragmentSeconds of capture time, and the oldest sets beyond
    // kMaxFragmentSets or kMaxFragmentBytes, are dropped and counted (as Linux does: ipfrag_time 30 s).
    bool fragment(const std::string& key, std::uint32_t offset, std::string_view bytes, bool more, std::string& whole) {
        expire_fragments();
        auto [it, fresh] = fragments_.try_emplace(key);
        Fragments& f = it->second;
        if (fresh) {
            f.first_seen = ts_.tv_sec;
            fragment_order_.push_back(key);
        }
        if (offset + bytes.size() > 65535) return false;  // no IPv4 datagram is that long: junk
        auto [piece, added] = f.pieces.try_emplace(offset, bytes);
        if (!added) {  // the same fragment again (a retransmission): keep the longer
            if (piece->second.size() >= bytes.size()) return false;
            fragment_bytes_ -= piece->second.size();
            piece->second.assign(bytes);
        }
        fragment_bytes_ += bytes.size();
        if (!more) f.end = offset + static_cast<std::uint32_t>(bytes.size());
        while (fragments_.size() > kMaxFragmentSets || fragment_bytes_ > kMaxFragmentBytes) drop_oldest_fragments();
        auto done = fragments_.find(key);
        if (done == fragments_.end() || done->second.end == 0) return false;
        // Complete when the pieces cover [0, end) without a gap.
        std::uint32_t covered = 0;
        for (const auto& [at, b] : done->second.pieces) {
            if (at > covered) return false;
            covered = std::max<std::uint32_t>(covered, at + static_cast<std::uint32_t>(b.size()));
        }
        if (covered < done->second.end) return false;
        whole.assign(done->second.end, '\0');
        for (const auto& [at, b] : done->second.pieces) {
            if (at >= whole.size()) break;
            std::memcpy(whole.data() + at, b.data(), std::min<std::size_t>(b.size(), whole.size() - at));
        }
        forget_fragments(done);
        return true;
    }

    void forget_fragments(std::unordered_map<std::string, Fragments>::iterator it) {
        for (const auto& [at, b] : it->second.pieces) fragment_bytes_ -= b.size();
        fragments_.erase(it);  // its key stays in fragment_order_ until it reaches the front
    }

    void drop_oldest_fragments() {
        while (!fragment_order_.empty()) {
            auto it = fragments_.find(fragment_order_.front());
            fragment_order_.pop_front();
            if (it == fragments_.end()) continue;  // completed earlier
            forget_fragments(it);
            ++evicted_;
            return;
        }
    }

    void expire_fragments() {
        while (!fragment_order_.empty()) {
            auto it = fragments_.find(fragment_order_.front());
            if (it == fragments_.end()) {
                fragment_order_.pop_front();
                continue;
            }
            if (ts_.tv_sec - it->second.first_seen <= kFragmentSeconds) return;
            fragment_order_.pop_front();
            forget_fragments(it);
            ++evicted_;
        }
    }

    // The TCP flow table is bounded too: beyond kMaxFlows, flows idle for the longest are written out as they
    // are (like at the end of the capture) and forgotten, half of the excess at a time.
    void bound_flows() {
        if (flows_.size() <= kMaxFlows) return;
        std::vector<std::pair<std::int64_t, const std::string*>> idle;
        idle.reserve(flows_.size());
        for (const auto& [k, f] : flows_) idle.emplace_back(f.last_seen, &k);
        const std::size_t drop = flows_.size() - kMaxFlows / 2;
        std::nth_element(idle.begin(), idle.begin() + static_cast<std::ptrdiff_t>(drop - 1), idle.end());
        std::vector<std::string> keys;
        for (std::size_t i = 0; i < drop; ++i) keys.push_back(*idle[i].second);
        for (const auto& k : keys) {
            auto it = flows_.find(k);
            if (!it->second.data.empty()) emit(it->second.label, it->second.data);
            flows_.erase(it);
            ++evicted_;
        }
    }

    void tcp(const unsigned char* src, const unsigned char* dst, bool v6, const unsigned char* p, std::uint32_t n) {
        if (n < 20) return;
        const std::uint32_t hlen = (p[12] >> 4) * 4u;
        if (hlen < 20 || hlen > n) return;
        const std::uint32_t seq = be32(p + 4);
        const bool syn = p[13] & 0x02;
        std::string key(reinterpret_cast<const char*>(src), v6 ? 16 : 4);
        key.append(reinterpret_cast<const char*>(dst), v6 ? 16 : 4).append(reinterpret_cast<const char*>(p), 4);
        if (flows_.size() >= kMaxFlows && !flows_.contains(key)) bound_flows();
        Flow& f = flows_[key];
        f.last_seen = ts_.tv_sec;
        if (f.label.empty()) f.label = flow_label('T', src, dst, v6, be16(p), be16(p + 2));
        if (syn) {
            f.have_seq = true;
            f.next_seq = seq + 1;
            f.data.clear();
            f.pending.clear();
            return;
        }
        std::string_view payload(reinterpret_cast<const char*>(p + hlen), n - hlen);
        if (payload.empty()) return;
        if (!f.have_seq) {
            f.have_seq = true;
            f.next_seq = seq;
        }
        accept(f, seq, payload);
        while (!f.pending.empty()) {  // segments that now fit
            auto it = f.pending.begin();
            const auto rel = static_cast<std::int32_t>(it->first - f.next_seq);
            if (rel > 0) break;
            std::string seg = std::move(it->second);
            const std::uint32_t s = it->first;
            f.pending.erase(it);
            accept(f, s, seg);
        }
        frame(f);
    }

    void accept(Flow& f, std::uint32_t seq, std::string_view payload) {
        const auto rel = static_cast<std::int32_t>(seq - f.next_seq);
        if (rel > 0) {  // early: keep it until the gap fills (bounded)
            if (f.pending.size() < 256) f.pending.emplace(seq, std::string(payload));
            return;
        }
        const std::uint32_t skip = f.next_seq - seq;  // -rel, computed unsigned: rel may be INT32_MIN
        if (skip >= payload.size()) return;  // a retransmission of bytes already taken
        payload.remove_prefix(skip);
        f.data.append(payload);
        f.next_seq += static_cast<std::uint32_t>(payload.size());
        if (f.sip) emitted_ = true;  // a segment of a SIP stream is not a skipped packet
    }

    // Cuts the stream's bytes into SIP messages (or WebSocket frames holding them).
    void frame(Flow& f) {
        for (;;) {
            std::size_t lead = 0;
            while (lead < f.data.size() && (f.data[lead] == '\r' || f.data[lead] == '\n')) ++lead;  // keep-alives
            if (lead) f.data.erase(0, lead);
            if (f.data.empty()) return;
            if (f.websocket) {
                if (!websocket_frame(f)) return;
                continue;
            }
            const std::size_t end = f.data.find("\r\n\r\n");
            if (end == std::string::npos) {
                if (f.data.size() > (1u << 20)) f.data.clear();  // not SIP after all
                return;
            }
            std::string_view head(f.data.data(), end + 4);
            if (head.starts_with("GET ") && head.find("pgrade: websocket") != std::string_view::npos) {
                f.websocket = true;  // RFC 7118: SIP over WebSocket after this handshake
                f.data.erase(0, end + 4);
                continue;
            }
            if (head.starts_with("HTTP/1.1 101")) {
                f.websocket = true;
                f.data.erase(0, end + 4);
                continue;
            }
            if (!sip_start(head)) {  // mid-stream start: resynchronise on the next start line
                const std::size_t next = f.data.find("\r\nSIP/2.0 ", 1);
                f.data.erase(0, next == std::string::npos ? end + 4 : next + 2);
                continue;
            }
            const long cl = content_length(head);
            const std::size_t whole = end + 4 + static_cast<std::size_t>(cl > 0 ? cl : 0);
            if (f.data.size() < whole) return;  // the body is still coming
            emit(f.label, std::string_view(f.data.data(), whole));
            f.sip = true;
            f.data.erase(0, whole);
        }
    }

    bool websocket_frame(Flow& f) {
        const auto* b = reinterpret_cast<const unsigned char*>(f.data.data());
        const std::size_t n = f.data.size();
        if (n < 2) return false;
        const bool fin = b[0] & 0x80;
        const unsigned opcode = b[0] & 0x0f;
        const bool masked = b[1] & 0x80;
        std::uint64_t len = b[1] & 0x7f;
        std::size_t off = 2;
        if (len == 126) {
            if (n < 4) return false;
            len = be16(b + 2);
            off = 4;
        } else if (len == 127) {
            if (n < 10) return false;
            len = (static_cast<std::uint64_t>(be32(b + 2)) << 32) | be32(b + 6);
            off = 10;
        }
        const std::size_t key_at = off;
        if (masked) off += 4;
        if (len > (16u << 20)) {
            f.data.clear();
            return false;
        }
        if (n < off + len) return false;
        std::string payload = f.data.substr(off, static_cast<std::size_t>(len));
        if (masked)
            for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(payload[i] ^ b[key_at + (i & 3)]);
        f.data.erase(0, off + static_cast<std::size_t>(len));
        if (opcode == 0 || opcode == 1 || opcode == 2) {
            f.ws_message += payload;
            if (fin) {
                if (sip_start(f.ws_message)) {
                    f.sip = true;
                    std::string label = f.label;
                    label[0] = 'W';
                    emit(label, f.ws_message);
                }
                f.ws_message.clear();
            }
        }
        return true;
    }

    void emit(const std::string& label, std::string_view message) {
        emitted_ = true;
        append_captured_message(out_, ts_.tv_sec, ts_.tv_usec, label, message);
        ++messages_;
    }

    static constexpr std::size_t kMaxFragmentSets = 4096;
    static constexpr std::size_t kMaxFragmentBytes = std::size_t{32} << 20;
    static constexpr std::int64_t kFragmentSeconds = 30;
    static constexpr std::size_t kMaxFlows = std::size_t{1} << 16;

    bool emitted_ = false;
    timeval ts_{};
    std::unordered_map<std::string, Flow> flows_;
    std::unordered_map<std::string, Fragments> fragments_;
    std::deque<std::string> fragment_order_;   // keys in arrival order, for expiry and eviction
    std::size_t fragment_bytes_ = 0;
};

PacketDecoder::PacketDecoder() : impl_(std::make_unique<Impl>()) {}
PacketDecoder::~PacketDecoder() = default;
bool PacketDecoder::packet(int link_type, timeval ts, const unsigned char* data, std::uint32_t caplen) {
    return impl_->packet(link_type, ts, data, caplen);
}
void PacketDecoder::flush() { impl_->flush(); }
std::string& PacketDecoder::text() noexcept { return impl_->out_; }
std::uint64_t PacketDecoder::messages() const noexcept { return impl_->messages_; }
std::uint64_t PacketDecoder::evictions() const noexcept { return impl_->evicted_; }

}  // namespace logcodes
