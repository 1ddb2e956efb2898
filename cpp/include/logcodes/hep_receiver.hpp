// A HEP collector socket: UDP datagrams or TCP streams of HEPv3 packets (HEPv1/v2 on UDP only: they carry
// no length), decoded (hep.hpp) and written out as the text a capture becomes (capture_text.hpp), for a
// StreamScanner reading the sip_trace format. Packets that do not decode, and payloads of another protocol
// (RTCP, logs, ...), are counted — and the bad ones sampled — never dropped silently.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "logcodes/error.hpp"
#include "logcodes/hep.hpp"

namespace logcodes {

struct HepReceiverStats {
    std::uint64_t packets = 0;        // HEP packets received (UDP datagrams; packets framed on TCP streams)
    std::uint64_t bytes = 0;          // their bytes
    std::uint64_t messages = 0;       // SIP payloads handed on
    std::uint64_t not_sip = 0;        // decoded, with a payload of another protocol type (not counted as SIP)
    std::uint64_t malformed = 0;      // not decodable (see by_status)
    std::uint64_t compressed = 0;     // SIP payloads that came inflated from a compressed chunk
    std::uint64_t skipped_chunks = 0; // other vendors' chunks and unknown types, skipped by their length
    std::uint64_t socket_drops = 0;   // UDP: datagrams the kernel dropped on this socket (SO_RXQ_OVFL)
    std::uint64_t connections = 0;    // TCP: connections accepted
    std::uint64_t refused_connections = 0;  // TCP: closed at once beyond kMaxConnections
    std::uint64_t stream_errors = 0;  // TCP: streams closed because their bytes stopped being HEP3
    std::array<std::uint64_t, 8> by_status{};   // malformed packets by HepStatus
};

struct HepSample {
    std::string why;     // what was wrong
    std::string peer;    // who sent it ("127.0.0.1:41000")
    std::string head;    // its first bytes, non-printable ones as \xNN
};

class HepReceiver {
public:
    static constexpr std::size_t kMaxConnections = 256;
    static constexpr std::size_t kMaxSamples = 16;   // kept between two take_samples()

    // `url`: "udp://HOST:PORT" or "tcp://HOST:PORT" (IPv6 hosts in brackets; port 0 picks a free one).
    // Returns nullptr with `err` set when the address is not one or cannot be bound.
    static std::unique_ptr<HepReceiver> open(const std::string& url, Error& err);
    ~HepReceiver();
    HepReceiver(const HepReceiver&) = delete;
    HepReceiver& operator=(const HepReceiver&) = delete;

    // Waits up to timeout_ms for packets, then reads what is there without waiting again, appending the
    // messages' text to `out`, until the socket is empty or `out` holds max_bytes. Returns the bytes added.
    std::size_t poll(int timeout_ms, std::string& out, std::size_t max_bytes = std::size_t{8} << 20);

    const HepReceiverStats& stats() const noexcept { return stats_; }
    // The malformed packets sampled since the last call (at most kMaxSamples; the rest only counted).
    std::vector<HepSample> take_samples();
    // "udp://127.0.0.1:9060" with the port actually bound.
    const std::string& address() const noexcept { return address_; }
    bool udp() const noexcept { return udp_; }

private:
    struct Connection {
        int fd = -1;
        std::string peer;
        std::string buf;
    };
    HepReceiver() = default;
    // Counts and decodes one packet, appending its message; a malformed one is only counted here.
    HepStatus handle(std::string_view packet, std::int64_t now_us, std::string& out);
    void sample(std::string why, const std::string& peer, std::string_view bytes);
    void read_udp(std::string& out, std::size_t max_bytes);
    void accept_tcp();
    bool read_tcp(Connection& c, std::string& out);   // false: the connection is over

    int fd_ = -1;
    bool udp_ = true;
    std::string address_;
    HepReceiverStats stats_;
    std::deque<HepSample> samples_;
    std::vector<Connection> conns_;
    std::string scratch_;          // inflated payloads
    std::vector<char> buffers_;    // recvmmsg buffers
    HepPacket packet_;
};

}  // namespace logcodes
