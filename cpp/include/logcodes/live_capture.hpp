// Live capture through libpcap: the packets of an interface (with an optional BPF filter) decoded as a
// capture file's are (packet_decoder.hpp — TCP reassembly and IP fragments included) into the text a capture
// becomes, for a StreamScanner reading the sip_trace format.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "logcodes/error.hpp"

namespace logcodes {

struct LiveCaptureStats {
    std::uint64_t packets = 0;          // packets read
    std::uint64_t skipped = 0;          // ... that carried no SIP
    std::uint64_t messages = 0;         // SIP messages written out
    std::uint64_t evictions = 0;        // fragment sets and TCP flows dropped by the decoder's bounds
    std::uint64_t kernel_received = 0;  // pcap_stats: packets the filter passed
    std::uint64_t kernel_dropped = 0;   // ... dropped because the capture buffer was full
    std::uint64_t interface_dropped = 0;
};

class LiveCapture {
public:
    // Opens `interface` ("lo", "eth0", "any") with the BPF `filter` ("" for every packet). Needs the
    // CAP_NET_RAW capability: without it `err` says so (ErrorKind::permission), as it does for an unknown
    // interface or a filter that does not compile (bad_argument).
    static std::unique_ptr<LiveCapture> open(const std::string& interface, const std::string& filter, Error& err);
    ~LiveCapture();
    LiveCapture(const LiveCapture&) = delete;
    LiveCapture& operator=(const LiveCapture&) = delete;

    // Waits up to timeout_ms for packets, then reads what is there, appending the SIP messages' text to
    // `out` (until `out` holds max_bytes more). Returns the bytes added; a capture error sets error().
    std::size_t poll(int timeout_ms, std::string& out, std::size_t max_bytes = std::size_t{8} << 20);
    // The end of the capture: what TCP streams still hold is written out as it is.
    void finish(std::string& out);
    LiveCaptureStats stats() const;
    const Error& error() const noexcept { return error_; }
    const std::string& interface() const noexcept { return interface_; }

    struct Impl;   // libpcap's handle and the decoder (live_capture.cpp)

private:
    explicit LiveCapture(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    std::string interface_;
    Error error_;
};

}  // namespace logcodes
