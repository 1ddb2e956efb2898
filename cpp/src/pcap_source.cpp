#include "logcodes/pcap_source.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "logcodes/packet_decoder.hpp"

namespace logcodes {

bool is_capture(std::string_view h) noexcept {
    if (h.size() < 4) return false;
    const auto* b = reinterpret_cast<const unsigned char*>(h.data());
    const auto be32 = [b](std::size_t i) {
        return static_cast<std::uint32_t>(b[i]) << 24 | static_cast<std::uint32_t>(b[i + 1]) << 16 |
               static_cast<std::uint32_t>(b[i + 2]) << 8 | b[i + 3];
    };
    const std::uint32_t m = be32(0);
    // Four bytes are a weak sign (a text log may begin with them): the header must go on as a capture's
    // does, else the file is read as text (its lines counted, never lost). pcap: version 2.x in the magic's
    // byte order; pcapng: the Section Header Block's byte-order magic at offset 8. A file too short to hold
    // that much holds no packet either.
    if (m == 0xa1b2c3d4 || m == 0xa1b23c4d) return h.size() >= 6 && b[4] == 0 && b[5] == 2;
    if (m == 0xd4c3b2a1 || m == 0x4d3cb2a1) return h.size() >= 6 && b[4] == 2 && b[5] == 0;
    if (m == 0x0a0d0d0a) return h.size() >= 12 && (be32(8) == 0x1a2b3c4d || be32(8) == 0x4d3c2b1a);
    return false;
}

namespace {

// libpcap reads a FILE*: give it one that reads from our (decoded) source. The FILE itself is unbuffered
// and this reader buffers instead, so that it knows exactly how many bytes libpcap has taken: an error then
// names the byte where the failing record starts, whatever the read sizes or the decoding threads.
struct CaptureReader {
    Source* src = nullptr;
    std::string buf = std::string(BUFSIZ, '\0');  // as much as a buffered FILE would read
    std::size_t pos = 0, end = 0;
    std::uint64_t taken = 0;  // bytes handed to libpcap

    ssize_t read(char* dst, std::size_t size) {
        if (pos == end) {
            pos = 0;
            end = src->read(buf.data(), buf.size());
            if (end == 0) return src->error() ? -1 : 0;
        }
        const std::size_t n = std::min(size, end - pos);
        std::memcpy(dst, buf.data() + pos, n);
        pos += n;
        taken += n;
        return static_cast<ssize_t>(n);
    }
};

ssize_t cookie_read(void* cookie, char* buf, size_t size) { return static_cast<CaptureReader*>(cookie)->read(buf, size); }
int cookie_close(void*) { return 0; }  // the reader is owned by the CaptureSource

class CaptureSource final : public Source {
public:
    CaptureSource(std::unique_ptr<Source> raw, std::string path, bool decompressed)
        : raw_(std::move(raw)), path_(std::move(path)), decompressed_(decompressed) {
        reader_.src = raw_.get();
    }
    ~CaptureSource() override {
        if (pcap_) pcap_close(pcap_);  // closes the cookie FILE too
    }
    CaptureSource(const CaptureSource&) = delete;
    CaptureSource& operator=(const CaptureSource&) = delete;

    bool open(Error& err) {
        cookie_io_functions_t io{cookie_read, nullptr, nullptr, cookie_close};
        FILE* f = fopencookie(&reader_, "r", io);
        if (!f) {
            err = Error{ErrorKind::io, path_, 0, "cannot open the capture"};
            return false;
        }
        std::setvbuf(f, nullptr, _IONBF, 0);
        char errbuf[PCAP_ERRBUF_SIZE] = {0};
        pcap_ = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
        if (!pcap_) {
            std::fclose(f);
            err = raw_->error() ? raw_->error() : Error{ErrorKind::corrupt, path_, 0, where(0) + "not a readable capture: " + errbuf};
            return false;
        }
        link_ = pcap_datalink(pcap_);
        classic_ = pcap_major_version(pcap_) == 2;  // pcapng sections are version 1
        return true;
    }

    std::size_t read(char* dst, std::size_t cap) override {
        std::string& out_ = decoder_.text();
        while (out_.size() - out_pos_ < cap && !done_) next_packet();
        const std::size_t n = std::min(cap, out_.size() - out_pos_);
        std::memcpy(dst, out_.data() + out_pos_, n);
        out_pos_ += n;
        if (out_pos_ == out_.size()) {
            out_.clear();
            out_pos_ = 0;
        }
        return n;
    }
    std::uint64_t raw_position() const noexcept override { return raw_->raw_position(); }
    std::uint64_t packets() const noexcept override { return packets_; }
    std::uint64_t skipped_packets() const noexcept override { return skipped_; }
    std::uint64_t evictions() const noexcept override { return decoder_.evictions(); }

private:
    void next_packet() {
        pcap_pkthdr* hdr = nullptr;
        const u_char* data = nullptr;
        const std::uint64_t record = reader_.taken;
        const int rc = pcap_next_ex(pcap_, &hdr, &data);
        if (rc == 1) {
            ++packets_;
            timeval ts = hdr->ts;
            // A pcap record's seconds are unsigned 32 bits (draft-ietf-opsawg-pcap); libpcap sign-extends them
            // in a capture of the host's byte order and not in the other, so times from 2038 on read as
            // 1901-1969 or not, depending on the byte order (pcapng's 64-bit time stamps read right).
            if (classic_) ts.tv_sec = static_cast<std::uint32_t>(ts.tv_sec);
            if (!decoder_.packet(link_, ts, data, hdr->caplen)) ++skipped_;
            return;
        }
        if (rc == PCAP_ERROR) {
            const Error& e = raw_->error();
            if (e) {
                error_ = e;
            } else {
                // The offset is the failing record's; in a compressed capture it counts decompressed bytes
                // (a compressed position would depend on how far ahead the decoder had read).
                error_ = Error{ErrorKind::truncated, path_, record,
                               where(record) + "capture is cut or corrupt: " + pcap_geterr(pcap_)};
            }
        }
        decoder_.flush();   // end of the capture
        done_ = true;
    }

    // Names the place in a compressed capture, where the error's offset is not a byte of the file.
    std::string where(std::uint64_t at) const {
        return decompressed_ ? "at byte " + std::to_string(at) + " of the decompressed capture: " : std::string();
    }

    std::unique_ptr<Source> raw_;
    std::string path_;
    bool decompressed_;
    CaptureReader reader_;
    pcap_t* pcap_ = nullptr;
    int link_ = 0;
    bool classic_ = false;  // a pcap, not a pcapng
    PacketDecoder decoder_;
    std::size_t out_pos_ = 0;
    bool done_ = false;
    std::uint64_t packets_ = 0, skipped_ = 0;
};

}  // namespace
std::unique_ptr<Source> open_capture(std::unique_ptr<Source> capture, const std::string& path, Error& err,
                                     bool decompressed) {
    auto src = std::make_unique<CaptureSource>(std::move(capture), path, decompressed);
    if (!src->open(err)) return nullptr;
    return src;
}

}  // namespace logcodes
