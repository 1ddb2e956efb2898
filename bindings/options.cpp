// logcodes._core.GroupSpec and ScanOptions: built with keywords, read through read-only properties (as
// RE2 binds RE2::Options). The plain options come from LOGCODES_PLAIN_SCAN_OPTIONS, so a new one needs no
// line here.
#include <pybind11/stl.h>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "convert.hpp"
#include "logcodes/fields.hpp"
#include "logcodes/scan_options.hpp"
#include "logcodes/sketch.hpp"

namespace logcodes::bind {

namespace {

GroupSpec make_group(const std::vector<std::string>& dims, std::int64_t time_bucket, const py::object& path_rules,
                     bool quantiles, double accuracy, const std::string& top_dim, std::size_t top_capacity) {
    GroupSpec g;
    g.dims.clear();
    g.time_bucket = time_bucket;
    if (time_bucket <= 0) throw py::value_error("the time bucket must be at least one second");
    if (!path_rules.is_none()) g.paths = path_rules.cast<const PathRulesHandle&>().templater;
    if (!(accuracy > 0 && accuracy < 1)) throw py::value_error("quantile accuracy must be between 0 and 1");
    g.duration_quantiles = quantiles;
    g.quantile_accuracy = accuracy;
    if (top_capacity > 0) {
        if (!parse_dim(top_dim, g.heavy_dim) || g.heavy_dim == Dim::field)
            throw py::value_error("unknown dimension '" + top_dim + "'");
        g.heavy_capacity = top_capacity;
    }
    for (const auto& name : dims) {
        Dim d;
        if (parse_dim(name, d)) {
            g.dims.push_back(d);
            continue;
        }
        const FieldId id = find_field(name);  // a format's named field
        if (id == kNoField) throw py::value_error("unknown dimension '" + name + "'");
        g.dims.push_back(Dim::field);
        g.fields.push_back(id);
    }
    return g;
}

}  // namespace

std::vector<std::string> dim_names(const GroupSpec& g) {
    std::vector<std::string> out;
    std::size_t field = 0;
    for (Dim d : g.dims) out.push_back(d == Dim::field ? field_name(g.fields[field++]) : std::string(dim_name(d)));
    return out;
}

namespace {

// Python values of the plain option types (text escaped as everywhere else).
template <typename T>
py::object to_python(const T& v) {
    return py::cast(v);
}
py::object to_python(const std::vector<std::string>& v) {
    py::list out;
    for (const auto& s : v) out.append(text(s));
    return std::move(out);
}
py::object to_python(const PathPairs& v) {
    py::list out;
    for (const auto& [a, b] : v) out.append(py::make_tuple(text(a), text(b)));
    return std::move(out);
}

using Setter = std::function<void(ScanOptions&, py::handle)>;
using Setters = std::map<std::string, Setter, std::less<>>;

template <typename T>
void plain_option(py::class_<ScanOptions>& cls, Setters& setters, const char* name, T ScanOptions::*field,
                  const char* doc) {
    cls.def_property_readonly(name, [field](const ScanOptions& o) { return to_python(o.*field); }, doc);
    setters[name] = [field, name](ScanOptions& o, py::handle v) {
        try {
            o.*field = v.cast<T>();
        } catch (const py::cast_error&) {
            throw py::type_error(std::string("ScanOptions: ") + name + " cannot be " +
                                 std::string(py::str(py::type::of(v).attr("__name__"))));
        }
    };
}

template <typename Get, typename Set>
void structured_option(py::class_<ScanOptions>& cls, Setters& setters, const char* name, Get get, Set set,
                       const char* doc) {
    cls.def_property_readonly(name, get, doc);
    setters[name] = set;
}

// An option holding something compiled, which Python sees through a handle (RulesHandle, FilterHandle).
template <typename Handle, typename T>
void handle_option(py::class_<ScanOptions>& cls, Setters& setters, const char* name,
                   std::shared_ptr<const T> ScanOptions::*field, std::shared_ptr<const T> Handle::*member,
                   const char* doc) {
    structured_option(
        cls, setters, name,
        [field](const ScanOptions& o) { return o.*field ? py::cast(Handle{o.*field}) : py::object(py::none()); },
        [field, member](ScanOptions& o, py::handle v) {
            o.*field = v.is_none() ? nullptr : v.cast<const Handle&>().*member;
        },
        doc);
}

FormatChoice format_choice(py::handle v) {
    if (py::isinstance<py::str>(v)) {
        Error err;
        FormatChoice c = FormatChoice::named(v.cast<std::string>(), err);
        if (err) throw py::value_error(err.message);
        return c;
    }
    return FormatChoice(v.cast<const FormatHandle&>().format);
}

Setters& option_setters(py::class_<ScanOptions>& cls) {
    static Setters setters;
#define LOGCODES_BIND_OPTION(type, name, init, what) plain_option(cls, setters, #name, &ScanOptions::name, what);
    LOGCODES_PLAIN_SCAN_OPTIONS(LOGCODES_BIND_OPTION)
#undef LOGCODES_BIND_OPTION
    structured_option(
        cls, setters, "format",
        [](const ScanOptions& o) -> py::object {
            if (o.format.is_auto() || find_format(o.format.name()) == o.format.get()) return py::str(o.format.name());
            return py::cast(FormatHandle{o.format.shared()});
        },
        [](ScanOptions& o, py::handle v) { o.format = format_choice(v); },
        "'auto', a built-in format's name, or a compiled Format");
    structured_option(
        cls, setters, "group", [](const ScanOptions& o) { return o.group; },
        [](ScanOptions& o, py::handle v) { o.group = v.cast<GroupSpec>(); }, "how counted records are grouped");
    structured_option(
        cls, setters, "event_group", [](const ScanOptions& o) { return o.event_group; },
        [](ScanOptions& o, py::handle v) { o.event_group = v.cast<GroupSpec>(); },
        "how the events of error logs read as inputs are grouped");
    structured_option(
        cls, setters, "count", [](const ScanOptions& o) { return std::string(count_level_name(o.count_level)); },
        [](ScanOptions& o, py::handle v) {
            const auto name = v.cast<std::string>();
            if (!parse_count_level(name, o.count_level))
                throw py::value_error("count must be messages, transactions or calls, not '" + name + "'");
        },
        "what one SIP count is: 'messages', 'transactions' or 'calls'");
    handle_option(cls, setters, "rules", &ScanOptions::rules, &RulesHandle::rules,
                  "compiled cause rules (None: no causes named)");
    handle_option(cls, setters, "filter", &ScanOptions::filter, &FilterHandle::filter,
                  "a compiled record filter (None: every record)");
    return setters;
}

}  // namespace

void bind_options(py::module_& m) {
    py::class_<GroupSpec>(m, "GroupSpec", "How counted records are grouped: dimensions, time bucket, sketches.")
        .def(py::init(&make_group), py::arg("dims"), py::arg("time_bucket") = 3600, py::arg("path_rules") = py::none(),
             py::arg("quantiles") = false, py::arg("accuracy") = DDSketch::kDefaultAccuracy,
             py::arg("top_dim") = "path", py::arg("top_capacity") = 0)
        .def_property_readonly("dims", &dim_names)
        .def_property_readonly("time_bucket", [](const GroupSpec& g) { return g.time_bucket; })
        .def_property_readonly("quantiles", [](const GroupSpec& g) { return g.duration_quantiles; })
        .def_property_readonly("accuracy", [](const GroupSpec& g) { return g.quantile_accuracy; })
        .def_property_readonly("top", [](const GroupSpec& g) -> py::object {
            if (g.heavy_capacity == 0) return py::none();
            return py::make_tuple(std::string(dim_name(g.heavy_dim)), g.heavy_capacity);
        });

    py::class_<ScanOptions> cls(m, "ScanOptions",
                                "What a scan is asked to do (built by logcodes._options from the user's arguments).");
    Setters& setters = option_setters(cls);
    cls.def(py::init([&setters](const py::kwargs& kw) {
        ScanOptions o;
        for (const auto& [key, value] : kw) {
            const auto name = key.cast<std::string>();
            const auto it = setters.find(name);
            if (it == setters.end()) throw py::type_error("ScanOptions() got an unexpected keyword argument '" + name + "'");
            it->second(o, value);
        }
        if (Error e = check_options(o)) throw py::value_error(std::string(text(e.message)));
        return o;
    }));
    cls.attr("NAMES") = [&setters] {
        py::list names;
        for (const auto& [name, set] : setters) names.append(name);
        return py::tuple(names);
    }();
    cls.def("__repr__", [](const ScanOptions& o) {
        return "<ScanOptions format=" + o.format.name() + " dims=" + std::to_string(o.group.dims.size()) +
               " count=" + std::string(count_level_name(o.count_level)) + " inputs=" + std::to_string(o.paths.size()) +
               ">";
    });
}

}  // namespace logcodes::bind
