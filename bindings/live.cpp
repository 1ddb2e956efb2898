// Live sources: the HEP collector socket and libpcap live capture (conversion only).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>

#include "convert.hpp"
#include "logcodes/hep_receiver.hpp"
#include "logcodes/live_capture.hpp"

namespace logcodes::bind {

namespace {

[[noreturn]] void raise(const Error& e) {
    switch (e.kind) {
        case ErrorKind::permission: PyErr_SetString(PyExc_PermissionError, e.message.c_str()); break;
        case ErrorKind::bad_argument: PyErr_SetString(PyExc_ValueError, e.message.c_str()); break;
        default: PyErr_SetString(PyExc_OSError, e.message.c_str()); break;
    }
    throw py::error_already_set();
}

py::bytes as_bytes(const std::string& s) { return py::bytes(s.data(), s.size()); }

class Hep {
public:
    explicit Hep(const std::string& url) {
        Error err;
        r_ = HepReceiver::open(url, err);
        if (!r_) raise(err);
    }
    py::bytes poll(int timeout_ms, std::size_t max_bytes) {
        buf_.clear();
        {
            py::gil_scoped_release release;
            r_->poll(timeout_ms, buf_, max_bytes);
        }
        return as_bytes(buf_);
    }
    py::dict stats() const {
        const HepReceiverStats& s = r_->stats();
        py::dict d;
        d["packets"] = s.packets;
        d["bytes"] = s.bytes;
        d["messages"] = s.messages;
        d["not_sip"] = s.not_sip;
        d["malformed"] = s.malformed;
        d["compressed"] = s.compressed;
        d["skipped_chunks"] = s.skipped_chunks;
        d["socket_drops"] = s.socket_drops;
        d["connections"] = s.connections;
        d["refused_connections"] = s.refused_connections;
        d["stream_errors"] = s.stream_errors;
        py::dict why;
        for (std::size_t i = 1; i < s.by_status.size(); ++i)
            if (s.by_status[i]) why[hep_status_text(static_cast<HepStatus>(i))] = s.by_status[i];
        d["malformed_by_reason"] = why;
        return d;
    }
    py::list take_samples() {
        py::list out;
        for (const auto& s : r_->take_samples()) out.append(py::make_tuple(s.why, s.peer, s.head));
        return out;
    }
    std::string address() const { return r_->address(); }

private:
    std::unique_ptr<HepReceiver> r_;
    std::string buf_;
};

class Capture {
public:
    Capture(const std::string& interface, const std::string& filter) {
        Error err;
        c_ = LiveCapture::open(interface, filter, err);
        if (!c_) raise(err);
    }
    py::bytes poll(int timeout_ms, std::size_t max_bytes) {
        buf_.clear();
        {
            py::gil_scoped_release release;
            c_->poll(timeout_ms, buf_, max_bytes);
        }
        if (c_->error()) raise(c_->error());
        return as_bytes(buf_);
    }
    py::bytes finish() {
        buf_.clear();
        c_->finish(buf_);
        return as_bytes(buf_);
    }
    py::dict stats() const {
        const LiveCaptureStats s = c_->stats();
        py::dict d;
        d["packets"] = s.packets;
        d["skipped"] = s.skipped;
        d["messages"] = s.messages;
        d["evictions"] = s.evictions;
        d["kernel_received"] = s.kernel_received;
        d["kernel_dropped"] = s.kernel_dropped;
        d["interface_dropped"] = s.interface_dropped;
        return d;
    }
    std::string interface() const { return c_->interface(); }

private:
    std::unique_ptr<LiveCapture> c_;
    std::string buf_;
};

}  // namespace

void bind_live(py::module_& m) {
    py::class_<Hep>(m, "HepReceiver")
        .def(py::init<const std::string&>(), py::arg("url"))
        .def("poll", &Hep::poll, py::arg("timeout_ms"), py::arg("max_bytes"))
        .def("stats", &Hep::stats)
        .def("take_samples", &Hep::take_samples)
        .def_property_readonly("address", &Hep::address);
    py::class_<Capture>(m, "LiveCapture")
        .def(py::init<const std::string&, const std::string&>(), py::arg("interface"), py::arg("filter"))
        .def("poll", &Capture::poll, py::arg("timeout_ms"), py::arg("max_bytes"))
        .def("finish", &Capture::finish)
        .def("stats", &Capture::stats)
        .def_property_readonly("interface", &Capture::interface);
}

}  // namespace logcodes::bind
