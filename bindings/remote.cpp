// URLs read through Python: the core's RemoteOpener / RemoteObject interfaces adapted to two Python
// callables (logcodes/remote.py gives them, over fsspec). Conversion only: retries, credentials and
// listing are the Python side's.
#include <cstring>

#include "convert.hpp"
#include "logcodes/source.hpp"

namespace py = pybind11;
using namespace logcodes;

namespace {

// A Python exception as the core's error: the builtin's kind, its text as the message.
Error error_of(py::error_already_set& e) {
    Error err;
    err.kind = e.matches(PyExc_FileNotFoundError)  ? ErrorKind::not_found
               : e.matches(PyExc_IsADirectoryError) ? ErrorKind::is_directory
               : e.matches(PyExc_PermissionError)   ? ErrorKind::permission
                                                    : ErrorKind::io;
    err.message = py::str(e.value());
    return err;
}

// Python objects held by C++ are released with the GIL taken (the core may drop them on any thread).
struct GilRelease {
    void operator()(py::object* o) const {
        py::gil_scoped_acquire gil;
        delete o;
    }
};
using Held = std::unique_ptr<py::object, GilRelease>;

class PyRemoteObject final : public RemoteObject {
public:
    explicit PyRemoteObject(py::object read) : read_(new py::object(std::move(read))) {}
    std::size_t read_at(std::uint64_t offset, char* dst, std::size_t cap, Error& err) override {
        py::gil_scoped_acquire gil;
        try {
            py::object got = (*read_)(offset, cap);
            char* data = nullptr;
            Py_ssize_t len = 0;
            if (PyBytes_AsStringAndSize(got.ptr(), &data, &len) != 0) throw py::error_already_set();
            const std::size_t n = std::min(cap, static_cast<std::size_t>(len));
            std::memcpy(dst, data, n);
            return n;
        } catch (py::error_already_set& e) {
            err = error_of(e);
            return 0;
        }
    }

private:
    Held read_;
};

class PyRemoteOpener final : public RemoteOpener {
public:
    explicit PyRemoteOpener(py::object open) : open_(new py::object(std::move(open))) {}
    std::shared_ptr<RemoteObject> open(const std::string& url, std::uint64_t& size, Error& err) override {
        py::gil_scoped_acquire gil;
        try {
            py::tuple got = (*open_)(bind::path_text(url));
            size = got[1].cast<std::uint64_t>();
            return std::make_shared<PyRemoteObject>(got[0]);
        } catch (py::error_already_set& e) {
            err = error_of(e);
            return nullptr;
        } catch (const py::cast_error& e) {
            err.kind = ErrorKind::io;
            err.message = std::string("the URL opener answered wrongly: ") + e.what();
            return nullptr;
        }
    }

private:
    Held open_;
};

}  // namespace

namespace logcodes::bind {

void bind_remote(py::module_& m) {
    m.def(
        "set_remote_opener",
        [](py::object open) {
            set_remote_opener(open.is_none() ? nullptr : std::make_shared<PyRemoteOpener>(std::move(open)));
        },
        py::arg("open"),
        "Reads URLs through `open(url) -> (read, size)`, `read(offset, length) -> bytes` (None: no URLs).");
    m.def("is_remote_path", [](const std::string& path) { return is_remote_path(path); }, py::arg("path"));
}

}  // namespace logcodes::bind
