#include "logcodes/live_capture.hpp"

#include <pcap/pcap.h>
#include <poll.h>

#include "logcodes/packet_decoder.hpp"

namespace logcodes {

struct LiveCapture::Impl {
    pcap_t* pcap = nullptr;
    int link = 0;
    int fd = -1;
    PacketDecoder decoder;
    std::uint64_t packets = 0, skipped = 0;
    ~Impl() {
        if (pcap) pcap_close(pcap);
    }
};

namespace {

constexpr int kSnapLen = 262144;            // whole packets (tcpdump's default)
constexpr int kBufferBytes = 32 << 20;      // the kernel ring: bursts while a window is counted

void on_packet(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
    auto* impl = reinterpret_cast<LiveCapture::Impl*>(user);
    ++impl->packets;
    if (!impl->decoder.packet(impl->link, h->ts, bytes, h->caplen)) ++impl->skipped;
}

}  // namespace

LiveCapture::LiveCapture(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LiveCapture::~LiveCapture() = default;

std::unique_ptr<LiveCapture> LiveCapture::open(const std::string& interface, const std::string& filter, Error& err) {
    char errbuf[PCAP_ERRBUF_SIZE] = {0};
    auto impl = std::make_unique<Impl>();
    impl->pcap = pcap_create(interface.c_str(), errbuf);
    const std::string what = "capture on " + interface;
    if (!impl->pcap) {
        err = Error{ErrorKind::bad_argument, interface, 0, "cannot " + what + ": " + errbuf};
        return nullptr;
    }
    pcap_set_snaplen(impl->pcap, kSnapLen);
    pcap_set_promisc(impl->pcap, 0);
    pcap_set_immediate_mode(impl->pcap, 1);   // each packet as it comes, not when a buffer fills
    pcap_set_buffer_size(impl->pcap, kBufferBytes);
    pcap_set_tstamp_precision(impl->pcap, PCAP_TSTAMP_PRECISION_MICRO);
    const int rc = pcap_activate(impl->pcap);
    if (rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR_PROMISC_PERM_DENIED) {
        err = Error{ErrorKind::permission, interface, 0,
                    "cannot " + what + ": capturing packets needs the CAP_NET_RAW capability (run as root, or "
                    "grant it: setcap cap_net_raw,cap_net_admin=eip on the Python interpreter)"};
        return nullptr;
    }
    if (rc == PCAP_ERROR_NO_SUCH_DEVICE) {
        err = Error{ErrorKind::not_found, interface, 0, "cannot " + what + ": no such interface"};
        return nullptr;
    }
    if (rc < 0) {
        err = Error{ErrorKind::io, interface, 0, "cannot " + what + ": " + pcap_geterr(impl->pcap)};
        return nullptr;
    }
    if (!filter.empty()) {
        bpf_program prog{};
        if (pcap_compile(impl->pcap, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
            err = Error{ErrorKind::bad_argument, interface, 0,
                        "the capture filter \"" + filter + "\" does not compile: " + pcap_geterr(impl->pcap)};
            return nullptr;
        }
        const int set = pcap_setfilter(impl->pcap, &prog);
        pcap_freecode(&prog);
        if (set != 0) {
            err = Error{ErrorKind::io, interface, 0, "cannot set the capture filter: " +
                                                         std::string(pcap_geterr(impl->pcap))};
            return nullptr;
        }
    }
    if (pcap_setnonblock(impl->pcap, 1, errbuf) != 0) {
        err = Error{ErrorKind::io, interface, 0, "cannot " + what + ": " + errbuf};
        return nullptr;
    }
    impl->link = pcap_datalink(impl->pcap);
    impl->fd = pcap_get_selectable_fd(impl->pcap);
    std::unique_ptr<LiveCapture> c(new LiveCapture(std::move(impl)));
    c->interface_ = interface;
    return c;
}

std::size_t LiveCapture::poll(int timeout_ms, std::string& out, std::size_t max_bytes) {
    std::string& text = impl_->decoder.text();
    const std::size_t before = out.size();
    if (impl_->fd >= 0) {
        pollfd p{impl_->fd, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms < 0 ? 0 : timeout_ms) <= 0) return 0;
    }
    for (;;) {
        const int n = pcap_dispatch(impl_->pcap, 1024, on_packet, reinterpret_cast<u_char*>(impl_.get()));
        if (n == PCAP_ERROR) {
            error_ = Error{ErrorKind::io, interface_, 0, std::string("capture failed: ") + pcap_geterr(impl_->pcap)};
            break;
        }
        out.append(text);
        text.clear();
        if (n <= 0 || out.size() - before >= max_bytes) break;
    }
    return out.size() - before;
}

void LiveCapture::finish(std::string& out) {
    impl_->decoder.flush();
    out.append(impl_->decoder.text());
    impl_->decoder.text().clear();
}

LiveCaptureStats LiveCapture::stats() const {
    LiveCaptureStats s;
    s.packets = impl_->packets;
    s.skipped = impl_->skipped;
    s.messages = impl_->decoder.messages();
    s.evictions = impl_->decoder.evictions();
    pcap_stat ps{};
    if (pcap_stats(impl_->pcap, &ps) == 0) {
        s.kernel_received = ps.ps_recv;
        s.kernel_dropped = ps.ps_drop;
        s.interface_dropped = ps.ps_ifdrop;
    }
    return s;
}

}  // namespace logcodes
