#include "common/errors.hpp"

#include <new>
#include <nlohmann/json.hpp>

namespace fotogal {

const char* kind_name(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::transient:
            return "transient";
        case ErrorKind::permanent:
            return "permanent";
        case ErrorKind::poison:
            return "poison";
        case ErrorKind::fatal:
            return "fatal";
    }
    return "unknown";
}

Error classify(std::exception_ptr failure) {
    try {
        std::rethrow_exception(failure);
    } catch (const Error& e) {
        return e;
    } catch (const nlohmann::json::exception& e) {
        return Error(ErrorKind::poison, "malformed_data",
                     std::string("malformed JSON data: ") + e.what());
    } catch (const std::bad_alloc&) {
        return Error(ErrorKind::transient, "out_of_memory", "out of memory; will try again");
    } catch (const std::exception& e) {
        return Error(ErrorKind::transient, "unexpected", std::string("unexpected: ") + e.what());
    } catch (...) {
        return Error(ErrorKind::transient, "unexpected", "unexpected non-standard exception");
    }
}

ErrorKind http_status_kind(long status) {
    if (status == 429 || (status >= 500 && status != 501)) return ErrorKind::transient;
    return ErrorKind::permanent;
}

}  // namespace fotogal
