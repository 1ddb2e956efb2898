#include "logcodes/hep_receiver.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>

namespace logcodes {

namespace {

constexpr std::size_t kBatch = 64;                 // datagrams per recvmmsg
constexpr std::size_t kDatagram = 65536;           // the largest UDP payload
constexpr int kReceiveBuffer = 32 << 20;           // asked for; the kernel caps it at rmem_max unless root

std::int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string peer_text(const sockaddr_storage& sa) {
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (sa.ss_family == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&sa);
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
        port = ntohs(a->sin_port);
        return std::string(host) + ":" + std::to_string(port);
    }
    if (sa.ss_family == AF_INET6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(&sa);
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        port = ntohs(a->sin6_port);
        return "[" + std::string(host) + "]:" + std::to_string(port);
    }
    return "?";
}

std::string head_text(std::string_view b) {
    std::string out;
    for (unsigned char c : b.substr(0, 48)) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out.push_back(static_cast<char>(c));
        } else {
            char x[5];
            std::snprintf(x, sizeof x, "\\x%02x", c);
            out.append(x);
        }
    }
    return out;
}

bool parse_url(const std::string& url, bool& udp, std::string& host, std::string& port, std::string& why) {
    std::string_view u = url;
    if (u.starts_with("udp://")) udp = true;
    else if (u.starts_with("tcp://")) udp = false;
    else {
        why = "a HEP address is udp://HOST:PORT or tcp://HOST:PORT";
        return false;
    }
    u.remove_prefix(6);
    if (!u.empty() && u.back() == '/') u.remove_suffix(1);
    std::size_t colon;
    if (u.starts_with("[")) {
        const std::size_t close = u.find(']');
        if (close == std::string_view::npos || close + 1 >= u.size() || u[close + 1] != ':') {
            why = "an IPv6 host is written [ADDRESS]:PORT";
            return false;
        }
        host = std::string(u.substr(1, close - 1));
        colon = close + 1;
    } else {
        colon = u.rfind(':');
        if (colon == std::string_view::npos) {
            why = "the address names no port";
            return false;
        }
        host = std::string(u.substr(0, colon));
    }
    port = std::string(u.substr(colon + 1));
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(port) > 65535) {
        why = "the port is not a number from 0 to 65535";
        return false;
    }
    if (host.empty()) host = "0.0.0.0";
    return true;
}

}  // namespace

std::unique_ptr<HepReceiver> HepReceiver::open(const std::string& url, Error& err) {
    auto fail = [&](std::string why) {
        err = Error{ErrorKind::bad_argument, url, 0, std::move(why)};
        return std::unique_ptr<HepReceiver>();
    };
    bool udp = true;
    std::string host, port, why;
    if (!parse_url(url, udp, host, port, why)) return fail(why);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    if (const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0)
        return fail("cannot resolve " + host + ": " + gai_strerror(rc));
    std::unique_ptr<HepReceiver> r(new HepReceiver());
    r->udp_ = udp;
    std::string last;
    for (addrinfo* ai = res; ai; ai = ai->ai_next) {
        const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            last = std::strerror(errno);
            continue;
        }
        const int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (udp) {
            // A large buffer absorbs bursts while a window is being counted; SO_RCVBUFFORCE passes
            // rmem_max when the process may (CAP_NET_ADMIN), else the plain request is capped by it.
            if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &kReceiveBuffer, sizeof kReceiveBuffer) != 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kReceiveBuffer, sizeof kReceiveBuffer);
            setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);   // the kernel's drop counter
        }
        if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || (!udp && ::listen(fd, 64) != 0)) {
            last = std::strerror(errno);
            ::close(fd);
            continue;
        }
        r->fd_ = fd;
        break;
    }
    freeaddrinfo(res);
    if (r->fd_ < 0) return fail("cannot listen: " + last);
    sockaddr_storage sa{};
    socklen_t len = sizeof sa;
    getsockname(r->fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    r->address_ = std::string(udp ? "udp://" : "tcp://") + peer_text(sa);
    if (udp) r->buffers_.resize(kBatch * kDatagram);
    return r;
}

HepReceiver::~HepReceiver() {
    for (auto& c : conns_) ::close(c.fd);
    if (fd_ >= 0) ::close(fd_);
}

std::vector<HepSample> HepReceiver::take_samples() {
    std::vector<HepSample> out(std::make_move_iterator(samples_.begin()), std::make_move_iterator(samples_.end()));
    samples_.clear();
    return out;
}

void HepReceiver::sample(std::string why, const std::string& peer, std::string_view bytes) {
    if (samples_.size() >= kMaxSamples) return;
    samples_.push_back(HepSample{std::move(why), peer, head_text(bytes)});
}

HepStatus HepReceiver::handle(std::string_view packet, std::int64_t now, std::string& out) {
    ++stats_.packets;
    stats_.bytes += packet.size();
    const HepStatus s = decode_hep(packet, packet_, scratch_);
    if (s != HepStatus::ok) {
        ++stats_.malformed;
        ++stats_.by_status[static_cast<std::size_t>(s)];
        return s;   // the caller samples it, naming the peer
    }
    stats_.skipped_chunks += packet_.skipped_chunks;
    if (packet_.proto_type != kHepProtoSip) {
        ++stats_.not_sip;
        return s;
    }
    ++stats_.messages;
    if (packet_.compressed) ++stats_.compressed;
    append_hep_message(packet_, now, out);
    return s;
}

std::size_t HepReceiver::poll(int timeout_ms, std::string& out, std::size_t max_bytes) {
    const std::size_t before = out.size();
    std::vector<pollfd> fds;
    fds.push_back(pollfd{fd_, POLLIN, 0});
    for (const auto& c : conns_) fds.push_back(pollfd{c.fd, POLLIN, 0});
    const int n = ::poll(fds.data(), fds.size(), timeout_ms < 0 ? 0 : timeout_ms);
    if (n <= 0) return 0;
    if (udp_) {
        if (fds[0].revents & POLLIN) read_udp(out, max_bytes);
        return out.size() - before;
    }
    if (fds[0].revents & POLLIN) accept_tcp();
    std::vector<Connection> kept;
    for (std::size_t i = 0; i < conns_.size(); ++i) {
        Connection& c = conns_[i];
        const bool ready = i + 1 < fds.size() && (fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR));
        if (ready && !read_tcp(c, out)) {
            ::close(c.fd);
            continue;
        }
        kept.push_back(std::move(c));
    }
    conns_ = std::move(kept);
    return out.size() - before;
}

void HepReceiver::read_udp(std::string& out, std::size_t max_bytes) {
    std::array<mmsghdr, kBatch> msgs{};
    std::array<iovec, kBatch> iov{};
    std::array<sockaddr_storage, kBatch> from{};
    alignas(cmsghdr) static thread_local char control[kBatch][CMSG_SPACE(sizeof(std::uint32_t))];
    const std::size_t start = out.size();
    while (out.size() - start < max_bytes) {
        for (std::size_t i = 0; i < kBatch; ++i) {
            iov[i] = iovec{buffers_.data() + i * kDatagram, kDatagram};
            msgs[i].msg_hdr = msghdr{};
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &from[i];
            msgs[i].msg_hdr.msg_namelen = sizeof from[i];
            msgs[i].msg_hdr.msg_control = control[i];
            msgs[i].msg_hdr.msg_controllen = sizeof control[i];
        }
        const int got = ::recvmmsg(fd_, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
        if (got <= 0) return;   // EAGAIN: the socket is empty
        const std::int64_t now = now_us();
        for (int i = 0; i < got; ++i) {
            msghdr& h = msgs[static_cast<std::size_t>(i)].msg_hdr;
            for (cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
                    std::uint32_t drops = 0;
                    std::memcpy(&drops, CMSG_DATA(c), sizeof drops);
                    stats_.socket_drops = drops;   // the kernel's running count for this socket
                }
            }
            const std::string_view pkt(buffers_.data() + static_cast<std::size_t>(i) * kDatagram,
                                       msgs[static_cast<std::size_t>(i)].msg_len);
            const HepStatus s = handle(pkt, now, out);
            if (s != HepStatus::ok && samples_.size() < kMaxSamples)
                sample(hep_status_text(s), peer_text(from[static_cast<std::size_t>(i)]), pkt);
        }
        if (static_cast<std::size_t>(got) < kBatch) return;
    }
}

void HepReceiver::accept_tcp() {
    for (;;) {
        sockaddr_storage sa{};
        socklen_t len = sizeof sa;
        const int fd = ::accept4(fd_, reinterpret_cast<sockaddr*>(&sa), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        if (conns_.size() >= kMaxConnections) {
            ++stats_.refused_connections;
            ::close(fd);
            continue;
        }
        ++stats_.connections;
        conns_.push_back(Connection{fd, peer_text(sa), {}});
    }
}

bool HepReceiver::read_tcp(Connection& c, std::string& out) {
    char buf[65536];
    for (;;) {
        const ssize_t got = ::recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
        if (got == 0) {
            if (!c.buf.empty()) {   // the peer closed in the middle of a packet
                ++stats_.malformed;
                ++stats_.by_status[static_cast<std::size_t>(HepStatus::bad_length)];
                sample("the stream ended inside a packet", c.peer, c.buf);
            }
            return false;
        }
        if (got < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        c.buf.append(buf, static_cast<std::size_t>(got));
        const std::int64_t now = now_us();
        std::size_t at = 0;
        for (;;) {
            const std::string_view rest(c.buf.data() + at, c.buf.size() - at);
            const std::size_t len = hep3_frame_length(rest);
            if (len == 0 || (len != std::numeric_limits<std::size_t>::max() && len > rest.size())) break;
            if (len == std::numeric_limits<std::size_t>::max()) {
                // No HEP3 header where one must start: nothing after it can be framed.
                ++stats_.stream_errors;
                sample("a TCP stream that is not HEP3 packets", c.peer, rest);
                return false;
            }
            const HepStatus s = handle(rest.substr(0, len), now, out);
            if (s != HepStatus::ok) sample(hep_status_text(s), c.peer, rest.substr(0, len));
            at += len;
        }
        c.buf.erase(0, at);
    }
}

}  // namespace logcodes
